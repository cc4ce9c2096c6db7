from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    """The page cache; a top floor: it listens to every package whose data a page shows."""

    name = "constructor.pagecache"
    label = "pagecache"

    def ready(self):
        from constructor.pagecache import signals

        signals.connect()
