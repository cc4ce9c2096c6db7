"""Real files to upload, made in the test: a one-page PDF and a small picture."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf(build=None):
    """A one-page PDF written by pypdf; ``build(writer)`` adds what a test needs."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    if build:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def picture(kind="PNG", size=(40, 30), **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#0d4cd3").save(buffer, kind, **options)
    return buffer.getvalue()
