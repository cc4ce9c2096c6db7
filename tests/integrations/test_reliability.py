"""Reliability: 300 applications reach the agency exactly once through crashes and outages.

Real processes, as in production: ``manage.py db_worker`` subprocesses on a fresh SQLite file
(the browser harness's way: dev settings in a temporary var dir), the agency simulator over
real HTTP in this process. During the run the simulator goes down (connection refused) and
comes back on the same port and store, and the first worker is killed with SIGKILL in the
middle of its work; a new pair of workers and ``manage.py requeue_undelivered`` take over.
At the end the agency holds exactly 300 distinct idempotency keys (one per application) and
the database shows 300 delivered.

Retries are made fast through the DELIVERY_* environment of the subprocesses. Runs in the
normal suite; on PostgreSQL too, since the subprocesses always use their own SQLite file.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from constructor.standins.agency import AgencySimulator

BASE_DIR = Path(__file__).resolve().parent.parent.parent
TOTAL = 300
FIRST_BATCH = 200
DEADLINE_SECONDS = 150


def populate(endpoint_url, count, create, timeout_seconds=2):
    """In a subprocess on the file database: the service, then ``count`` submissions."""
    from constructor.applications.submission import submit_draft
    from constructor.formbuilder.models import live_form_version
    from constructor.integrations.models import Integration
    from constructor.services.models import ServiceCategory, ServicePage
    from sites.regions import create_region
    from tests.integrations.test_delivery import (
        filled_draft,
        make_delivering_service,
        make_integration,
    )

    if create:
        region = create_region("Калужская область", "kaluga", "40").region
        category = ServiceCategory.objects.create(name="Семья и дети", slug="family")
        integration = make_integration(endpoint_url, timeout_seconds=timeout_seconds)
        make_delivering_service(region, category, integration)
    page = ServicePage.objects.get(integration=Integration.objects.get())
    version = live_form_version(page)
    for _ in range(count):
        submit_draft(filled_draft(page, version))


class Run:
    """The subprocesses of one run and a read-only view of their database."""

    def __init__(self, var_dir):
        self.var_dir = var_dir
        self.db_path = var_dir / "db.sqlite3"
        self.env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
        self.env.update(
            DJANGO_SETTINGS_MODULE="constructor.settings.dev",
            CONSTRUCTOR_VAR_DIR=str(var_dir),
            PYTHONUNBUFFERED="1",
            DELIVERY_RETRY_BASE_SECONDS="0.1",
            DELIVERY_RETRY_MAX_SECONDS="0.5",
            DELIVERY_LEASE_SECONDS="1",
            DELIVERY_SWEEP_SECONDS="1",
            DELIVERY_MAX_ATTEMPTS="1000",
        )
        self.workers = []
        self.log = (var_dir / "workers.log").open("w")

    def populate(self, endpoint_url, count, *, migrate=False, requeue=False, timeout_seconds=2):
        """One subprocess (one Django start-up): migrate, submit ``count``, requeue."""
        code = (
            "import django; django.setup(); "
            "from django.core.management import call_command; "
            "from tests.integrations.test_reliability import populate; "
            + ("call_command('migrate', interactive=False, verbosity=0); " if migrate else "")
            + f"populate({endpoint_url!r}, {count}, {migrate}, {timeout_seconds}); "
            + ("call_command('requeue_undelivered'); " if requeue else "")
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            cwd=BASE_DIR,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    def start_worker(self):
        worker = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.05",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def query(self, sql):
        connection = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=20)
        try:
            return connection.execute(sql).fetchall()
        finally:
            connection.close()

    def count(self, where):
        return self.query(f"SELECT count(*) FROM integrations_delivery WHERE {where}")[0][0]  # noqa: S608

    def retries(self):
        return self.query(
            "SELECT count(*) FROM integrations_deliveryattempt WHERE outcome = 'retry'"
        )[0][0]

    def wait_for(self, what, condition, deadline):
        while time.monotonic() < deadline:
            if condition():
                return
            for worker in self.workers:
                if worker.poll() not in (None, -signal.SIGKILL):
                    pytest.fail(f"a worker exited with {worker.returncode}: {self.tail()}")
            time.sleep(0.1)
        statuses = self.query("SELECT status, count(*) FROM integrations_delivery GROUP BY status")
        pytest.fail(f"timed out waiting for {what}: {statuses}\n{self.tail()}")

    def tail(self):
        self.log.flush()
        return "\n".join((self.var_dir / "workers.log").read_text().splitlines()[-30:])

    def stop(self):
        for worker in self.workers:
            if worker.poll() is None:
                worker.terminate()
        for worker in self.workers:
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        self.log.close()


def test_three_hundred_applications_arrive_exactly_once_through_crash_and_outage(tmp_path):
    from tests.integrations.test_delivery import CODE, simulator_for

    deadline = time.monotonic() + DEADLINE_SECONDS
    store = tmp_path / "received.jsonl"
    agency = simulator_for(store_path=store, hang_seconds=5).start()
    port = agency.port
    endpoint = f"{agency.url}/{CODE}/"
    run = Run(tmp_path)
    try:
        run.populate(endpoint, FIRST_BATCH, migrate=True)
        assert run.count("status = 'pending'") == FIRST_BATCH

        first = run.start_worker()
        run.wait_for(
            "the first deliveries", lambda: run.count("status = 'delivered'") >= 60, deadline
        )
        # Killed mid-run: most likely between claiming a delivery and recording its answer.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        killed_at = run.count("status = 'delivered'")
        assert killed_at < FIRST_BATCH

        # The agency goes down: nothing listens on its port any more.
        agency.stop()
        # More applications arrive meanwhile; then what the killed worker left is requeued.
        assert "deliveries requeued" in run.populate(endpoint, TOTAL - FIRST_BATCH, requeue=True)
        run.start_worker()
        run.start_worker()
        retries_before = run.retries()
        run.wait_for(
            "retries while the agency is down",
            lambda: run.retries() >= retries_before + 50,
            deadline,
        )
        assert run.count("status = 'delivered'") < TOTAL

        # Back on the same port with the same store of received applications.
        agency = AgencySimulator(agency.config, port=port).start()
        run.wait_for("every delivery", lambda: run.count("status = 'delivered'") == TOTAL, deadline)

        received = agency.store.all()
        keys = {record.idempotency_key for record in received}
        numbers = {record.payload["application_number"] for record in received}
        assert len(received) == TOTAL
        assert len(keys) == TOTAL and len(numbers) == TOTAL
        database_keys = {
            row[0].replace("-", "")
            for row in run.query("SELECT idempotency_key FROM integrations_delivery")
        }
        assert {key.replace("-", "") for key in keys} == database_keys
        assert run.count("status = 'failed'") == 0
        assert run.query("SELECT count(*) FROM applications_application")[0][0] == TOTAL
        delivered_statuses = run.query(
            "SELECT count(*) FROM applications_application WHERE status = 'delivered'"
        )[0][0]
        assert delivered_statuses == TOTAL
    finally:
        run.stop()
        agency.stop()


def test_a_killed_workers_delivery_is_requeued_the_moment_requeue_runs(tmp_path):
    """SIGKILL a real worker while its POST hangs at the agency: ``requeue_undelivered``, run
    right away, sees the lease's holder is gone (the lease has most of a minute to go) and
    puts the delivery back; a new worker delivers it, once."""
    from tests.integrations.test_delivery import CODE, simulator_for

    deadline = time.monotonic() + DEADLINE_SECONDS
    agency = simulator_for(hang_seconds=60).start()
    agency.set_switches(hang=True)
    endpoint = f"{agency.url}/{CODE}/"
    run = Run(tmp_path)
    run.env["DELIVERY_LEASE_SECONDS"] = "30"  # the production margin: not what recovery waits on
    try:
        run.populate(endpoint, 1, migrate=True, timeout_seconds=20)
        worker = run.start_worker()
        run.wait_for(
            "the worker's attempt", lambda: run.count("lease_until IS NOT NULL") == 1, deadline
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

        assert "1 deliveries requeued." in run.populate(endpoint, 0, requeue=True)
        [(outcome, error)] = run.query("SELECT outcome, error FROM integrations_deliveryattempt")
        assert outcome == "retry" and "обработчик остановился" in error

        agency.set_switches(hang=False)
        run.start_worker()
        run.wait_for("the delivery", lambda: run.count("status = 'delivered'") == 1, deadline)
        assert len(agency.store.all()) == 1
    finally:
        run.stop()
        agency.stop()
