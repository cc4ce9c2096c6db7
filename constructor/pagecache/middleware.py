"""Serve public pages from the page cache; keep what may be kept (``cache.storable``).

Placed below the security headers (each response served from the cache gets its CSP and
Permissions-Policy on the way out, like a rendered one) and above sessions, CSRF and
authentication, whose traces on a response (a cookie, ``Vary: Cookie``) keep it out.
"""

from django.utils.cache import patch_cache_control

from constructor.pagecache import cache

HIT_HEADER = "X-Page-Cache"


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cache.may_serve(request):
            return self.private(self.get_response(request))
        key, cached = cache.fetch(request)
        if cached is not None:
            cached[HIT_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if key is not None and cache.storable(request, response):
            cache.store(key, response)
            response[HIT_HEADER] = "miss"
            return response
        return self.private(response)

    @staticmethod
    def private(response):
        """What the page cache does not keep, a CDN or a shared proxy must not keep either."""
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True)
        return response
