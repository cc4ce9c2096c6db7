"""Signals of the ground floor, for the packages above it to react to (docs/ARCHITECTURE.md)."""

from django.dispatch import Signal

# Sent by ``sites.regions.create_region`` each time it has made or repaired a region, inside its
# transaction, with ``region``. The review workflow gives the region its review steps here.
region_ready = Signal()
