"""Keys, generations, storing, serving and purging (see the package's docstring)."""

import hashlib
import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import DisallowedHost
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django_tasks import task

logger = logging.getLogger(__name__)

ALIAS = "pages"
EVERYWHERE = "*"  # the generation every key carries: bumped by federal changes
PORTAL = ""  # the generation of every host that is no region's: the federal portal
# Set on the request by the before_serve_page hook when the page may be cached.
MARK = "_page_cache_allowed"
SAFE_METHODS = ("GET", "HEAD")
RETRY_SECONDS = 5
RETRY_ATTEMPTS = 5


def seconds():
    return settings.PAGE_CACHE_SECONDS


def pages_cache():
    return caches[ALIAS]


def _generation_key(scope):
    return f"pagecache:generation:{scope}"


def hostname(request):
    """The host without its port: regions are told apart by it (``Site.hostname``)."""
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host


def page_key(request):
    """The key of this request's page, or None when the generations cannot be read.

    One round trip reads the country's generation and the site's: a region's host has its own
    (a region's change never purges another region); every other host is the federal portal's.
    """
    host = hostname(request)
    regional = host.endswith("." + settings.REGION_HOST_SUFFIX)
    site = _generation_key(host if regional else PORTAL)
    everywhere = _generation_key(EVERYWHERE)
    generations = pages_cache().get_many([everywhere, site])
    address = f"{request.method} {request.get_host()}{request.path}"
    address = hashlib.sha256(address.encode()).hexdigest()
    return f"pagecache:page:{generations.get(everywhere, 0)}:{generations.get(site, 0)}:{address}"


def may_serve(request):
    """A request the cache may answer: anonymous, no session, GET or HEAD, no query string."""
    return (
        request.method in SAFE_METHODS
        and not request.META.get("QUERY_STRING")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not getattr(request, "is_preview", False)
    )


def storable(request, response):
    """A response the same for every anonymous visitor, from a page that may be cached."""
    if not getattr(request, MARK, False) or response.status_code != 200 or response.streaming:
        return False
    if response.cookies:
        return False
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",")}
    if "cookie" in vary or "*" in vary:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


def fetch(request):
    """The cached response for this request, or None (not cached, or the cache is down)."""
    try:
        request.get_host()
    except DisallowedHost:
        return None, None  # CommonMiddleware answers 400 below; nothing to cache
    try:
        key = page_key(request)
        response = pages_cache().get(key)
    except Exception:
        logger.warning("The page cache cannot be read: serving uncached", exc_info=True)
        return None, None
    return key, response


def store(key, response):
    """Keep the response for ``PAGE_CACHE_SECONDS``; a CDN may too, a browser asks every time.

    ``s-maxage`` lets a shared cache (a CDN) keep the page as long as we do; ``max-age=0`` sends
    a browser back to us on every visit, so the editor who has just published, and the citizen
    who looked a minute ago, both get the new version (from our cache, without rendering).
    """
    patch_cache_control(response, public=True, max_age=0, s_maxage=seconds())
    try:
        pages_cache().set(key, response, seconds())
    except Exception:
        logger.warning("The page cache cannot be written: page served uncached", exc_info=True)


def purge(*scopes):
    """Bump the generations of ``scopes`` (hostnames, PORTAL or EVERYWHERE); True when done.

    Never raises: a purge that fails is logged and retried by a task (``tasks.retry_purge``);
    meanwhile no stale entry outlives ``PAGE_CACHE_SECONDS``.
    """
    if purge_now(pages_cache(), scopes):
        return True
    schedule_retry(scopes, attempt=2)
    return False


def purge_now(cache, scopes):
    try:
        for scope in scopes:
            key = _generation_key(scope)
            # Generations outlive the pages they version; a missing one counts as 0.
            if not cache.add(key, 1, timeout=None):
                cache.incr(key)  # atomic where the backend has it (Redis, the in-process cache)
                # The file cache's incr writes the number back with the default timeout: were
                # it to expire, older entries of the same number could be read again.
                cache.touch(key, None)
    except Exception:
        logger.warning("The page cache could not be purged for %s", scopes, exc_info=True)
        return False
    return True


def schedule_retry(scopes, attempt):
    if attempt > RETRY_ATTEMPTS:
        logger.error("Gave up purging the page cache for %s: its entries expire alone", scopes)
        return
    try:
        retry_purge.using(run_after=timezone.now() + timedelta(seconds=RETRY_SECONDS)).enqueue(
            list(scopes), attempt
        )
    except Exception:
        logger.warning("Could not queue the page cache purge for %s", scopes, exc_info=True)


@task()
def retry_purge(scopes, attempt):
    """A purge that failed, tried again ``RETRY_SECONDS`` later, ``RETRY_ATTEMPTS`` times."""
    if not purge_now(pages_cache(), scopes):
        schedule_retry(scopes, attempt + 1)
