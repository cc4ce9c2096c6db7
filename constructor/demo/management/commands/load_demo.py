import time

from django.core.management.base import BaseCommand, CommandError

from fixtures.demo.install_secrets import DemoSecretsError
from fixtures.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: the federal portal, three regions with branding, curators, "
        "services and demo logins. Creates only what is missing, so it is safe to run again."
    )

    def handle(self, **options):
        started = time.monotonic()
        try:
            lines = load_demo()
        except DemoSecretsError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo content loaded in {time.monotonic() - started:.1f} s:")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("URLs and logins: manage.py demo_info")
