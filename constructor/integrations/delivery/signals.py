"""What delivery tells the packages above it (docs/ARCHITECTURE.md, "Layers").

``delivered`` is sent inside the transaction that records a successful attempt, with
``application_id``: the applications package moves the application to «delivered» there, so
the delivery and the status commit together. A receiver that fails must not undo the
delivery: the agency has the application whatever the status history says.
"""

from django.dispatch import Signal

delivered = Signal()
