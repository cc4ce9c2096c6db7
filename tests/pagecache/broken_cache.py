"""A cache backend that is down: every call fails the way an unreachable Redis does."""

from django.core.cache.backends.base import BaseCache


class BrokenCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise ConnectionError("Error 111 connecting to redis:6379. Connection refused.")

    add = get = set = touch = delete = clear = incr = get_many = set_many = _down
    has_key = delete_many = _down
