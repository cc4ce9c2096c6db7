"""Image renditions served by Django itself, where nothing else serves media (``make run``).

Only renditions are public: they are what pages show (curator photos, coats of arms) and Wagtail
writes them to ``MEDIA_ROOT/images/``. The rest of MEDIA_ROOT stays unrouted: original images
(a curator who has not consented to publication still has one on file) and documents, which
Wagtail's own view serves after checking the collection's privacy (WAGTAILDOCS_SERVE_METHOD).
The folder is the view's document root, so no ``..`` in a path can reach past it.

Wired in only when ``SERVE_PUBLIC_MEDIA`` is on (the dev settings); production serves media
from object storage.
"""

from pathlib import Path

from django.conf import settings
from django.urls import path
from django.views.static import serve

RENDITIONS_FOLDER = "images"


def rendition(request, name):
    return serve(request, name, document_root=Path(settings.MEDIA_ROOT) / RENDITIONS_FOLDER)


def public_media_urls():
    """The URL patterns of the renditions under MEDIA_URL; none where media is served elsewhere."""
    if not settings.SERVE_PUBLIC_MEDIA:
        return []
    prefix = settings.MEDIA_URL.strip("/")
    return [path(f"{prefix}/{RENDITIONS_FOLDER}/<path:name>", rendition, name="public_rendition")]
