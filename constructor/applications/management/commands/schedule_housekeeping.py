"""Make sure the worker's periodic housekeeping task is queued (see applications/housekeeping.py).

Run before the worker starts, like ``requeue_undelivered``; safe to run at any time: a task that
is already queued is left alone, so there is never more than one.
"""

from django.core.management.base import BaseCommand

from constructor.applications.housekeeping import schedule_housekeeping


class Command(BaseCommand):
    help = "Queue the periodic purge of expired drafts, sessions and old task results."

    def handle(self, *args, **options):
        if schedule_housekeeping():
            self.stdout.write("Scheduled the periodic housekeeping.")
        else:
            self.stdout.write("The periodic housekeeping is already scheduled.")
