"""The page cache: what anonymous citizens read, served from a shared cache, purged on change.

A news item about a new allowance can send a hundred thousand people to one landing in an hour;
each of them reads the same page. ``PageCacheMiddleware`` keeps the rendered response of a
public page (the portal, a region's catalog and categories, a service landing, an information
page) in the ``pages`` cache and serves it to the next anonymous visitor without rendering it
again. Django's cache framework underneath (the ``pages`` alias of ``CACHES``): a file cache
under var/ for ``make run``, an in-process one for the tests, Redis in production.

Never cached (``cache.storable``): a request that carries a session, a query string or a
method other than GET/HEAD; a response that is not a plain 200, sets a cookie, varies on the
cookie (a session or a CSRF token was used: a form, a draft, a pilot link), says private or
no-store, or did not come from a public page of a cacheable type (``wagtail_hooks``). So a form,
a draft, a status page and anything a member of staff sees are always rendered for them.

Purging (``purge``): every cached key carries generation numbers, one for the whole country
and one per site; a change bumps the generations of what it shows on (``signals``), and the old
entries are never read again and expire. A cache that is down serves every page uncached and
logs a warning; a purge that fails is retried by a task (``retry_purge``), and no entry outlives
``PAGE_CACHE_SECONDS`` (60 by default) anyway.
"""
