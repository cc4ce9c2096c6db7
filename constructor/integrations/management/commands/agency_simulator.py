"""Serve the agency simulator for every active integration until interrupted."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from jsonschema.exceptions import SchemaError

from constructor.integrations.simulator import (
    AgencySimulator,
    SimulatedIntegration,
    SimulatorConfig,
    Switches,
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
        "GET /_received lists what was stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="Address to listen on.")
        parser.add_argument("--port", type=int, default=8765, help="Port to listen on.")
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

    def handle(self, *args, **options):
        if options["delay_ms"] < 0:
            raise CommandError("--delay-ms cannot be negative.")
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
            ),
            hang_seconds=options["hang_seconds"],
            store_path=options["store"],
            log=self._log,
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
