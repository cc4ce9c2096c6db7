"""The import graph has no circle and runs down the layers (docs/ARCHITECTURE.md, "Layers").

The contracts are in pyproject.toml ([tool.importlinter]); import-linter (grimp underneath)
reads every import, those inside functions too, so a circle cannot hide in a lazy import.
"""

import subprocess
import sys
import textwrap
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(*args, cwd=BASE_DIR, env=None):
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_projects_imports_keep_every_contract():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_circle_hidden_in_a_function_breaks_the_contract(tmp_path):
    """The same kind of contract on a two-module circle whose back edge is a lazy import."""
    package = tmp_path / "circle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "statuses.py").write_text("from circle.notifications import notify\n")
    (package / "notifications.py").write_text(
        textwrap.dedent(
            """
            def notify():
                from circle.statuses import record  # noqa: F401
            """
        )
    )
    (tmp_path / ".importlinter").write_text(
        textwrap.dedent(
            """
            [importlinter]
            root_package = circle

            [importlinter:contract:circles]
            name = No circles
            type = acyclic_siblings
            ancestors = circle
            """
        )
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = lint_imports("--config", str(tmp_path / ".importlinter"), cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
