import time

from django.core.management.base import BaseCommand

from fixtures.demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo: the federal portal, three regions with branding, curators, "
        "services and demo logins. Creates only what is missing, so it is safe to run again."
    )

    def handle(self, **options):
        started = time.monotonic()
        lines = load_demo()
        self.stdout.write(f"Demo content loaded in {time.monotonic() - started:.1f} s:")
        for line in lines:
            self.stdout.write(f"  {line}")
        self.stdout.write("URLs and logins: manage.py demo_info")
