"""Put undelivered applications back on the queue, e.g. after the worker was killed.

A pending delivery that no queued (or just started) task will attempt gets a new task; one
whose lease has run out, or whose worker process on this machine is gone, is taken over at
once (the interrupted attempt is recorded; see recovery.py). Deliveries waiting in the queue
are left alone. Also makes sure the worker's periodic ``sweep`` task, which does the same
every ``DELIVERY_SWEEP_SECONDS``, is scheduled. Safe to run at any time: attempts lock the
delivery and the agency sees one idempotency key per application.
"""

from django.core.management.base import BaseCommand

from constructor.integrations.delivery.recovery import requeue_undelivered, schedule_sweep
from constructor.integrations.models import Delivery


class Command(BaseCommand):
    help = "Re-enqueue pending deliveries that no live task will attempt; schedule the sweep."

    def handle(self, *args, **options):
        requeued = requeue_undelivered()
        numbers = dict(
            Delivery.objects.filter(pk__in=requeued).values_list("pk", "application__number")
        )
        for pk in requeued:
            self.stdout.write(f"requeued delivery {pk} (application {numbers.get(pk, '?')})")
        self.stdout.write(f"{len(requeued)} deliveries requeued.")
        if schedule_sweep():
            self.stdout.write("Scheduled the periodic sweep.")
        else:
            self.stdout.write("The periodic sweep is already scheduled.")
