from django.apps import AppConfig


class StandinsConfig(AppConfig):
    """Stand-ins for outside systems: only their management commands (``agency_simulator``)."""

    name = "constructor.standins"
    label = "standins"
