"""Serve the agency simulator for every active integration until interrupted."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from jsonschema.exceptions import SchemaError

from constructor.standins import hostile
from constructor.standins.agency import (
    AgencySimulator,
    SimulatedIntegration,
    SimulatorConfig,
    Switches,
    callback_plan,
)


def integrations_from_database(warn=None) -> list[SimulatedIntegration]:
    """The active integrations as plain data; one that cannot be simulated is skipped, warned."""
    from constructor.integrations.models import Integration

    simulated = []
    for integration in Integration.objects.filter(is_active=True).order_by("code"):
        try:
            simulated.append(
                SimulatedIntegration(
                    code=integration.code,
                    payload_schema=integration.payload_schema,
                    secrets=(integration.hmac_secret, integration.previous_hmac_secret),
                )
            )
        except (SchemaError, ValueError) as error:
            if warn:
                warn(f"Skipping integration {integration.code!r}: {error}")
    return simulated


class Command(BaseCommand):
    help = (
        "Run a stand-in agency system on loopback: POST /<integration code>/ verifies the HMAC "
        "signature, validates the payload against the integration's schema, de-duplicates by "
        "Idempotency-Key and stores it. Change switches at run time with POST /_control; "
        "GET /_received lists what was stored. With --callback-base it then reports statuses "
        "back to the site, signed, like a real agency."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument(
            "--port",
            type=int,
            default=settings.SIMULATOR_PORT,
            help="Port to listen on (default %(default)s: SIMULATOR_PORT, else 8765).",
        )
        parser.add_argument("--fail-500", action="store_true", help="Answer every delivery 500.")
        parser.add_argument(
            "--hang", action="store_true", help="Hold every delivery past the client's timeout."
        )
        parser.add_argument(
            "--down", action="store_true", help="Close every connection without answering."
        )
        parser.add_argument(
            "--delay-ms", type=int, default=0, help="Wait this long before answering."
        )
        parser.add_argument(
            "--hostile-answer",
            choices=hostile.ANSWERS,
            default="",
            help=(
                "Answer every delivery (its usual status, or 500 with --fail-500) with a body "
                "no client should trust: " + ", ".join(hostile.ANSWERS) + "."
            ),
        )
        parser.add_argument(
            "--hang-seconds",
            type=float,
            default=30.0,
            help="How long a hanging request is held before a 504 (default 30).",
        )
        parser.add_argument(
            "--store",
            type=Path,
            help="A JSON-lines file to append received payloads to and reload on start.",
        )
        parser.add_argument(
            "--callback-base",
            default="",
            help=(
                "The site to send status callbacks to, e.g. http://127.0.0.1:8000. "
                "Without it the simulator never calls back."
            ),
        )
        parser.add_argument(
            "--callback-delays",
            default="2,5,10",
            help="Seconds after receipt for each callback, comma separated (default 2,5,10).",
        )
        parser.add_argument(
            "--callback-statuses",
            default="accepted,in_progress,approved",
            help=(
                "The statuses to report in order (default accepted,in_progress,approved). "
                "Also info_needed, refused (each may carry a message after a colon: "
                "'refused:Причина отказа') and completed (links a result document)."
            ),
        )

    def handle(self, *args, **options):
        if options["delay_ms"] < 0:
            raise CommandError("--delay-ms cannot be negative.")
        try:
            plan = callback_plan(options["callback_statuses"], options["callback_delays"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        callback_base = options["callback_base"].strip()
        if callback_base and not callback_base.startswith(("http://", "https://")):
            raise CommandError("--callback-base must be an http:// or https:// address.")
        try:
            integrations = integrations_from_database(warn=self._warn)
        except DatabaseError as error:
            raise CommandError(
                f"Cannot read integrations ({error}). Run `manage.py migrate` first."
            ) from error
        if not integrations:
            self._warn("No active integrations: every delivery will get 404.")
        config = SimulatorConfig(
            integrations=integrations,
            switches=Switches(
                fail_500=options["fail_500"],
                hang=options["hang"],
                down=options["down"],
                delay_ms=options["delay_ms"],
                hostile_answer=options["hostile_answer"],
            ),
            hang_seconds=options["hang_seconds"],
            store_path=options["store"],
            log=self._log,
            callback_base=callback_base,
            callback_plan=plan,
        )
        try:
            simulator = AgencySimulator(config, host=options["host"], port=options["port"])
        except OSError as error:
            raise CommandError(
                f"Cannot listen on {options['host']}:{options['port']}: {error}. "
                "Pick another --port or stop whatever holds it."
            ) from error
        codes = ", ".join(sorted(simulator.integrations)) or "none"
        self._log(f"Agency simulator on {simulator.url} for: {codes}")
        if callback_base:
            steps = ", ".join(f"{step.status} after {step.delay:g} s" for step in plan)
            self._log(f"Status callbacks to {simulator.callbacks.base}: {steps}")
        else:
            self._log("No status callbacks (no --callback-base).")
        self._log(f"Switches: {simulator.switches()}. Stop with Ctrl+C.")
        try:
            simulator.serve_forever()
        except KeyboardInterrupt:
            self._log("Agency simulator stopped.")

    def _log(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _warn(self, line: str) -> None:
        self.stderr.write(self.style.WARNING(line))
