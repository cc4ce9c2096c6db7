from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo's commands (``load_demo``, ``demo_info``): the top floor, they use every package."""

    name = "constructor.demo"
    label = "demo"
