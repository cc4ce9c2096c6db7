"""Private storage for citizens' uploads: a folder outside MEDIA_ROOT with no URL."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """Files that no URL serves: only views that check the owner may read them."""

    def url(self, name):
        raise ValueError("Private files have no public URL.")


def private_storage():
    # A callable, so tests and deployments can point PRIVATE_MEDIA_ROOT elsewhere.
    return PrivateStorage(location=settings.PRIVATE_MEDIA_ROOT)
