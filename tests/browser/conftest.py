"""Browser tests: headless Chromium (Debian's, driven by Playwright) against a real server.

For the session the harness migrates a fresh SQLite database in a temporary var dir, loads the
demo (regions, services, logins) and a landing full of long words (long_content.py), and starts,
as `make run` does, gunicorn, the task worker and the agency simulator on free loopback ports.
The tests talk to them over HTTP only, never to the database, so pytest-django's test database
plays no part.

Every citizen page a test opens must also fit a 320 px phone: `assert_no_sideways_scroll(page)`
checks it, and a test that opened a citizen page without checking it fails.

Playwright's sync API keeps an event loop running in the main thread, and Django refuses database
calls while one runs; so the browser tests are collected last and their fixtures are package
scoped: Chromium is gone before pytest-django tears the test database down.
"""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from playwright.sync_api import expect, sync_playwright

BROWSER_DIR = Path(__file__).resolve().parent
BASE_DIR = BROWSER_DIR.parent.parent
RESULTS_DIR = BASE_DIR / "test-results"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
    "--no-proxy-server",
]
VENV_BIN = Path(sys.executable).parent
SERVER_START_SECONDS = 60
COMMAND_SECONDS = 300

AXE_SCRIPT = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
BLOCKING_IMPACTS = ("serious", "critical")
AXE_NODES_SHOWN = 8

# The narrowest phone in common use; no citizen page may scroll sideways on it.
PHONE_WIDTH = 320
# Deliveries give up after a few quick retries, so a test sees a failed one within seconds.
DELIVERY_RETRIES = {
    "DELIVERY_RETRY_BASE_SECONDS": "0.2",
    "DELIVERY_RETRY_MAX_SECONDS": "1",
    "DELIVERY_MAX_ATTEMPTS": "3",
}

expect.set_options(timeout=10_000)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark everything in this folder `browser` (before `-m` selects) and run it last."""
    browser, others = [], []
    for item in items:
        if BROWSER_DIR in item.path.parents:
            item.add_marker(pytest.mark.browser)
            browser.append(item)
        else:
            others.append(item)
    items[:] = others + browser


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.browser_test_failed = report.failed
    return report


@dataclass(frozen=True)
class DemoServer:
    port: int
    var_dir: Path
    log_path: Path
    simulator_port: int

    def url(self, path="/", region=None):
        """An absolute URL on the federal portal, or on a region's site given its slug."""
        host = f"{region}.localhost" if region else "localhost"
        return f"http://{host}:{self.port}{path}"

    def set_agency_switches(self, **switches):
        """Make the agency simulator misbehave (``fail_500=True``) or behave again."""
        request = urllib.request.Request(  # noqa: S310 - our own loopback simulator
            f"http://127.0.0.1:{self.simulator_port}/_control",
            data=json.dumps(switches).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return json.load(response)["switches"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(text, lines=40):
    return "\n".join(text.splitlines()[-lines:])


def _python(env, *args):
    result = subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_SECONDS,
    )
    if result.returncode != 0:
        pytest.fail(
            f"`python {' '.join(args)}` failed (exit {result.returncode}); the browser tests "
            f"need it to prepare the demo server.\n{_tail(result.stdout)}\n{_tail(result.stderr)}",
            pytrace=False,
        )


def _manage(env, *args):
    _python(env, "manage.py", *args)


def _wait_until_answers(process, url, log_path, name="gunicorn"):
    """Poll until the server answers any HTTP response; fail fast if it dies."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback URL
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            # Waiting on the process paces the polling and notices a crash at once.
            process.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            continue
        break
    process.kill()
    process.wait()
    pytest.fail(
        f"{name} did not answer on {url} within {SERVER_START_SECONDS}s "
        f"(exit code {process.returncode}); its log:\n{_tail(log_path.read_text())}",
        pytrace=False,
    )


@pytest.fixture(scope="package")
def demo_server(tmp_path_factory):
    """The product on its dev settings with the demo content: gunicorn, worker, simulator."""
    yield from run_demo_server(tmp_path_factory)


@pytest.fixture
def own_demo_server(tmp_path_factory):
    """A demo server of the test's own, for a test that makes what only one test may make.

    «Создать из стандарта» refuses a second service with the same code in a region: two tests
    that each create Kaluga's «Выписка из ЕГРН» cannot share the package's server.
    """
    yield from run_demo_server(tmp_path_factory)


# A migrated, empty database, made once per session and copied for every demo server after the
# first: migrating costs each server tens of seconds of CPU, and is the same for all of them.
_MIGRATED = {}


def _migrated_database(env, var_dir, tmp_path_factory):
    database = var_dir / "db.sqlite3"
    if "path" in _MIGRATED:
        shutil.copyfile(_MIGRATED["path"], database)
        return
    _manage(env, "migrate", "--no-input", "-v0")
    snapshot = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    shutil.copyfile(database, snapshot)
    _MIGRATED["path"] = snapshot


def run_demo_server(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("demo-var")
    port = _free_port()
    simulator_port = _free_port()
    # DJANGO_DEBUG stays out: the tests see the product as `make run` shows it to citizens.
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DJANGO_DEBUG")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="constructor.settings.dev",
        CONSTRUCTOR_VAR_DIR=str(var_dir),
        CONSTRUCTOR_PUBLIC_PORT=str(port),
        WAGTAILADMIN_BASE_URL=f"http://localhost:{port}",
        AGENCY_SIMULATOR_URL=f"http://127.0.0.1:{simulator_port}/",
        PYTHONUNBUFFERED="1",
        **DELIVERY_RETRIES,
    )
    _migrated_database(env, var_dir, tmp_path_factory)
    _manage(env, "load_demo")
    _python(env, "-m", "tests.browser.long_content")
    # Publishing queues search-index updates as tasks: index the demo before the first search.
    _manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")

    log_path = var_dir / "server.log"
    with log_path.open("w") as log:
        # As `make run` does: the agency simulator, and the task worker beside the web server
        # for what the tests publish and submit.
        simulator = subprocess.Popen(
            [sys.executable, "manage.py", "agency_simulator", "--port", str(simulator_port)],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-reload"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "constructor.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_answers(process, f"http://127.0.0.1:{port}/", log_path)
        _wait_until_answers(
            simulator,
            f"http://127.0.0.1:{simulator_port}/_received",
            log_path,
            name="The agency simulator",
        )
        yield DemoServer(
            port=port, var_dir=var_dir, log_path=log_path, simulator_port=simulator_port
        )
    finally:
        for running in (process, worker, simulator):
            running.terminate()
            try:
                running.wait(timeout=20)
            except subprocess.TimeoutExpired:
                running.kill()
                running.wait()


@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: `apt-get install chromium` (as root `make test` does it), "
            'or leave the browser tests out with `pytest -m "not browser"`.',
            pytrace=False,
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def results_dir():
    """Where screenshots for humans go (gitignored)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    return RESULTS_DIR


def _fresh_page(browser, request, assert_no_sideways_scroll, **options):
    """A fresh page with its own cookies at desktop size; on failure, a screenshot.

    Every citizen page it opens is noted; a test that passes without checking one of them with
    `assert_no_sideways_scroll` fails on teardown.
    """
    context = browser.new_context(
        viewport={"width": 1280, "height": 800},
        locale="ru-RU",
        timezone_id="Europe/Moscow",
        **options,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("framenavigated", assert_no_sideways_scroll.note_navigation)
    PHONE_CHECKS[page] = assert_no_sideways_scroll
    yield page
    PHONE_CHECKS.pop(page, None)
    failed = getattr(request.node, "browser_test_failed", False)
    if failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        page.screenshot(path=RESULTS_DIR / f"failed-{request.node.name}.png", full_page=True)
    context.close()
    unchecked = assert_no_sideways_scroll.unchecked()
    if unchecked and not failed:
        pytest.fail(
            "The test opened citizen pages without checking that they fit a "
            f"{PHONE_WIDTH}px phone; call assert_no_sideways_scroll(page) on each:\n"
            + "\n".join(unchecked),
            pytrace=False,
        )


WIDEST_ELEMENTS = """width => {
    const wide = [...document.querySelectorAll("body *")]
        .filter(el => el.getBoundingClientRect().right > width + 1);
    // The innermost culprits: elements with no too-wide element inside them.
    return wide.filter(el => !wide.some(other => other !== el && el.contains(other)))
        .slice(0, 10)
        .map(el => {
            const name = el.tagName.toLowerCase() + (el.className ? "." + el.className : "");
            const right = Math.round(el.getBoundingClientRect().right);
            return `${name} (to ${right}px): ${el.textContent.trim().slice(0, 60)}`;
        });
}"""


def _without_fragment(url):
    return urlunsplit(urlsplit(url)._replace(fragment=""))


class PhoneWidthCheck:
    """``assert_no_sideways_scroll(page)``: the page, as it is now, fits a 320 px phone.

    Narrows the viewport to PHONE_WIDTH, compares the document's width with the viewport's and
    restores the size, so a test can check any state of a page (errors shown, a group added)
    and carry on. It remembers what it checked, for the `page` fixture's teardown.
    """

    def __init__(self, server):
        self.server = server
        self.visited = []
        self.checked = set()

    def is_citizen_page(self, url):
        parts = urlsplit(url)
        return parts.port == self.server.port and not parts.path.startswith("/admin/")

    def note_navigation(self, frame):
        url = _without_fragment(frame.url)
        if frame.parent_frame is None and self.is_citizen_page(url) and url not in self.visited:
            self.visited.append(url)

    def unchecked(self):
        return [url for url in self.visited if url not in self.checked]

    def __call__(self, page):
        size = page.viewport_size
        page.set_viewport_size({"width": PHONE_WIDTH, "height": size["height"]})
        try:
            content_width, viewport_width = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            culprits = (
                page.evaluate(WIDEST_ELEMENTS, viewport_width)
                if content_width > viewport_width
                else []
            )
        finally:
            page.set_viewport_size(size)
        assert content_width <= viewport_width, (
            f"{page.url} scrolls sideways on a {PHONE_WIDTH}px phone: the content is "
            f"{content_width}px wide. Too wide:\n" + "\n".join(culprits)
        )
        self.checked.add(_without_fragment(page.url))


# Each open page's PhoneWidthCheck, for helpers that are handed only the page.
PHONE_CHECKS = {}


def check_phone_width(page):
    """``assert_no_sideways_scroll`` for a helper module that only has the page."""
    PHONE_CHECKS[page](page)


@pytest.fixture
def assert_no_sideways_scroll(demo_server):
    """Check that a citizen page fits a 320 px phone (see PhoneWidthCheck)."""
    return PhoneWidthCheck(demo_server)


@pytest.fixture
def page(browser, demo_server, request, assert_no_sideways_scroll):
    yield from _fresh_page(browser, request, assert_no_sideways_scroll)


@pytest.fixture
def page_without_javascript(browser, demo_server, request, assert_no_sideways_scroll):
    """The same, for a citizen whose browser runs no JavaScript: everything must still work."""
    yield from _fresh_page(browser, request, assert_no_sideways_scroll, java_script_enabled=False)


def _describe_violation(violation):
    lines = [
        f"- {violation['id']} ({violation['impact']}): {violation['help']}",
        f"  {violation['helpUrl']}",
    ]
    for node in violation["nodes"][:AXE_NODES_SHOWN]:
        target = " ".join(str(part) for part in node["target"])
        summary = (node.get("failureSummary") or "").replace("\n", " ")
        lines.append(f"  * {target}: {summary}")
    hidden = len(violation["nodes"]) - AXE_NODES_SHOWN
    if hidden > 0:
        lines.append(f"  * ... and {hidden} more elements")
    return "\n".join(lines)


# Every document reports what its CSP refused; a refused frame is reported only in the console.
REPORT_POLICY_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
    window.reportPolicyViolation(
        `${event.effectiveDirective} refused ${event.blockedURI || "inline"} ` +
        `(${event.sourceFile || location.href}:${event.lineNumber})`
    );
});
"""
POLICY_CONSOLE_MESSAGE = re.compile(r"Content Security Policy|Permissions-Policy")


@pytest.fixture
def policy_violations(page):
    """What the page's Content-Security-Policy refused and Permissions-Policy complaints, as
    "address: what" lines, collected from every document and frame the page loads."""
    found = []
    page.context.expose_binding(
        "reportPolicyViolation", lambda source, text: found.append(f"{source['frame'].url}: {text}")
    )
    page.context.add_init_script(REPORT_POLICY_VIOLATIONS)
    page.on(
        "console",
        lambda message: (
            found.append(f"{page.url}: {message.text}")
            if POLICY_CONSOLE_MESSAGE.search(message.text)
            else None
        ),
    )
    return found


@pytest.fixture
def assert_accessible():
    """Run axe-core (WCAG 2.x A and AA rules) on a page; fail on serious or critical violations."""
    if not AXE_SCRIPT.exists():
        pytest.skip(
            f"axe-core is not installed ({AXE_SCRIPT} is missing): "
            "run `npm ci` in tests/browser (make test does it when npm is available)"
        )

    def check(page, within=None):
        """``within``: CSS selectors of the parts to check (ours, inside Wagtail's admin)."""
        blocking = blocking_axe_violations(page, within)
        assert not blocking, (
            f"axe-core found {len(blocking)} serious or critical accessibility problems "
            f"on {page.url}:\n" + "\n".join(_describe_violation(v) for v in blocking)
        )

    return check


def blocking_axe_violations(page, within=None):
    """axe-core's serious and critical WCAG 2.x A/AA violations on the page or in ``within``."""
    # Evaluated through the DevTools protocol, which the page's CSP does not govern: an
    # injected <script> tag would be refused under script-src 'self', as it should be.
    page.evaluate(AXE_SCRIPT.read_text())
    results = page.evaluate(
        """([tags, within]) => axe.run(within ? {include: within} : document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        [WCAG_TAGS, within],
    )
    return [v for v in results["violations"] if v["impact"] in BLOCKING_IMPACTS]


def describe_axe_violations(violations):
    return "\n".join(_describe_violation(v) for v in violations)


class DemoCatalog:
    """Finds demo pages by browsing the public catalog, as a citizen would.

    Every page it opens on the way is checked to fit a phone.
    """

    SERVICE_LINKS = 'section[aria-labelledby="services-heading"] li a[href]'

    def __init__(self, page, server, fits_phone):
        self.page = page
        self.server = server
        self.fits_phone = fits_phone

    def service_urls(self, region="kaluga"):
        home = self.server.url("/", region)
        self.page.goto(home)
        self.fits_phone(self.page)
        urls = self.page.locator(self.SERVICE_LINKS).evaluate_all(
            "links => links.map(link => link.href)"
        )
        if not urls:
            pytest.fail(
                f"The catalog at {home} lists no services ({self.SERVICE_LINKS}): "
                "the demo (manage.py load_demo) should publish services in every region.",
                pytrace=False,
            )
        return urls

    def service_with(self, selector, what, region="kaluga"):
        """The URL of the first service page in the region's catalog that has `selector`."""
        for url in self.service_urls(region):
            self.page.goto(url)
            self.fits_phone(self.page)
            if self.page.locator(selector).count():
                return url
        pytest.fail(
            f"No {region} service page has {what} ({selector}): the demo services "
            "should use that block.",
            pytrace=False,
        )


@pytest.fixture
def catalog(page, demo_server, assert_no_sideways_scroll):
    return DemoCatalog(page, demo_server, assert_no_sideways_scroll)
