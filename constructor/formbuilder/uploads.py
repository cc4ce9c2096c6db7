"""What a citizen's upload must be before it is kept: a whole picture or a plain PDF, and clean.

The upload field first checks the name and the first bytes (``types/basic.py``). That is not
enough: a PNG with a script appended or a PDF with an HTML page after its end passes a sniff,
and some programs would show or run the extra part. So every new upload is taken apart here:

* a picture is decoded completely with Pillow and encoded again from its pixels. The stored
  file is the new encoding: whatever was appended, EXIF (phones write the GPS position of the
  citizen's home into it), comments and text chunks are gone; the EXIF orientation is applied
  to the pixels first, so the photo still stands the right way up. Broken, truncated and
  oversized pictures (decompression bombs) are refused.
* a PDF is parsed with pypdf and refused when it is broken, encrypted, has no pages, has data
  after its last ``%%EOF``, or carries JavaScript, embedded files or launch actions anywhere
  in the objects reachable from its trailer (catalog, pages, annotations, form fields,
  outlines, name trees).
* then the bytes the citizen sent go to the malware scanner (``scanning.py``).

The citizen flow stores the very upload objects the request brought, so the safe bytes replace
the upload's content in place. Files the flow reopens from its own storage come back as
``StoredUpload``: they were vetted when they arrived and are not taken apart on every request.
"""

import io
import logging

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext
from PIL import Image, ImageOps, JpegImagePlugin
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from constructor.formbuilder import scanning

logger = logging.getLogger(__name__)


class StoredUpload(UploadedFile):
    """A file reopened from private storage: it passed these checks when it was uploaded."""


def vet_upload(upload, content_type, max_size):
    """Refuse an unsafe upload with a message for the citizen, or make its content the safe one.

    ``content_type`` is what the name and the first bytes agree the file is.
    """
    if isinstance(upload, StoredUpload):
        return
    upload.seek(0)
    original = upload.read()
    upload.seek(0)
    if content_type == "application/pdf":
        check_pdf(upload.name, original)
        content = original
    else:
        content = reencode_image(upload.name, original, content_type)
        if len(content) > max_size:
            raise ValidationError(
                gettext(
                    "The image %(name)s is larger than %(mb)s MB once prepared for sending. "
                    "Save it with a lower resolution and attach it again."
                )
                % {"name": upload.name, "mb": max_size // (1024 * 1024)},
                code="too_large",
            )
    scan(upload.name, original)
    if content != original:
        replace_content(upload, content)


def replace_content(upload, content):
    """Put the safe bytes into the upload itself: the flow stores the object it was given."""
    upload.file.seek(0)
    upload.file.truncate()
    upload.file.write(content)
    upload.file.seek(0)
    upload.size = len(content)


# -- pictures ---------------------------------------------------------------------------------

# Content type -> what Pillow may call it when it opens one (phones write JPEGs with a second
# preview picture, which Pillow opens as MPO), and how to write it again.
IMAGE_FORMATS = {
    "image/jpeg": ({"JPEG", "MPO"}, "JPEG"),
    "image/png": ({"PNG"}, "PNG"),
}


def reencode_image(name, data, content_type):
    """The picture's pixels, upright, in a new file of the same type with nothing else in it."""
    formats, save_as = IMAGE_FORMATS[content_type]
    try:
        with Image.open(io.BytesIO(data), formats=sorted(formats)) as image:
            check_image_pixels(name, image)
            image.load()
            upright = ImageOps.exif_transpose(image)
            options = jpeg_quality(image) if save_as == "JPEG" else {}
    except Image.DecompressionBombError:
        raise too_many_pixels(name) from None
    except ValidationError:
        raise
    except Exception as error:
        # Pillow raises many kinds of errors on damaged input (OSError for a truncated file,
        # SyntaxError for a broken chunk, ValueError, struct.error, ...): all mean "damaged".
        logger.info("Upload refused: the image does not decode (%s)", type(error).__name__)
        raise ValidationError(
            gettext(
                "The image %(name)s is damaged or incomplete and cannot be opened. "
                "Take the photo or make the scan again and attach the new file."
            )
            % {"name": name},
            code="image_broken",
        ) from None
    # Transparency belongs to the pixels of palette and RGB PNGs; everything else in info goes.
    if upright.info.get("transparency") is not None:
        options["transparency"] = upright.info["transparency"]
    upright.info = {}
    buffer = io.BytesIO()
    upright.save(buffer, format=save_as, optimize=True, **options)
    return buffer.getvalue()


def check_image_pixels(name, image):
    """Pillow only warns between MAX_IMAGE_PIXELS and twice that; a form refuses from the limit."""
    limit = Image.MAX_IMAGE_PIXELS
    if limit and image.width * image.height > limit:
        raise too_many_pixels(name)


def too_many_pixels(name):
    megapixels = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
    return ValidationError(
        gettext(
            "The image %(name)s is too large: more than %(megapixels)s megapixels. "
            "Save it with a lower resolution and attach it again."
        )
        % {"name": name, "megapixels": megapixels},
        code="image_too_large",
    )


def jpeg_quality(image):
    """The original's quantisation tables and subsampling: the same quality, about the same size.

    A fixed quality would make a small, heavily compressed photo bigger (and maybe too big for
    the field) or a fine scan worse.
    """
    if not getattr(image, "quantization", None):
        return {"quality": 90}
    options = {"qtables": image.quantization}
    sampling = JpegImagePlugin.get_sampling(image)
    if sampling != -1:
        options["subsampling"] = sampling
    return options


# -- PDF documents ----------------------------------------------------------------------------

# Bytes that PDF counts as white space (ISO 32000-1, 7.2.2).
PDF_WHITESPACE = b"\x00\t\n\x0c\r "

JAVASCRIPT, LAUNCH, EMBEDDED = "pdf_javascript", "pdf_launch", "pdf_embedded"


def pdf_problem(code, name):
    messages = {
        "pdf_broken": gettext(
            "The file %(name)s is damaged or is not a PDF document and cannot be opened. "
            "Save the document again as a PDF and attach it."
        ),
        "pdf_tail": gettext(
            "The file %(name)s has extra data after the end of the PDF document. "
            "Save the document again as a PDF and attach the new file."
        ),
        "pdf_encrypted": gettext(
            "The file %(name)s is protected with a password. "
            "Save the document again without a password and attach it."
        ),
        "pdf_no_pages": gettext(
            "The file %(name)s has no pages. Check that you chose the right document."
        ),
        JAVASCRIPT: gettext(
            "The file %(name)s contains an embedded script (JavaScript). "
            "Save the document again as a PDF without scripts, for example with "
            "“Print” → “Save as PDF”, and attach the new file."
        ),
        LAUNCH: gettext(
            "The file %(name)s contains a command that starts other programs. "
            "Save the document again as a plain PDF and attach the new file."
        ),
        EMBEDDED: gettext(
            "The file %(name)s contains attached files. "
            "Save the document again as a PDF without attachments and attach the new file."
        ),
    }
    return ValidationError(messages[code] % {"name": name}, code=code)


def check_pdf(name, data):
    """Refuse a PDF a reader could not open plainly, or one that could act on the reader's PC."""
    end = data.rfind(b"%%EOF")
    if end == -1:
        raise pdf_problem("pdf_broken", name)
    if data[end + len(b"%%EOF") :].strip(PDF_WHITESPACE):
        # A PDF followed by an HTML page or a script: a polyglot that a browser may run.
        raise pdf_problem("pdf_tail", name)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise pdf_problem("pdf_encrypted", name)
        if len(reader.pages) == 0:
            raise pdf_problem("pdf_no_pages", name)
        found = active_content(reader)
    except ValidationError:
        raise
    except Exception as error:
        # pypdf meets hostile input with many kinds of errors (PdfReadError, KeyError,
        # RecursionError, ...); for the citizen each one means the file cannot be opened.
        logger.info("Upload refused: the PDF does not parse (%s)", type(error).__name__)
        raise pdf_problem("pdf_broken", name) from None
    if found:
        raise ValidationError(
            [pdf_problem(code, name) for code in (JAVASCRIPT, LAUNCH, EMBEDDED) if code in found]
        )


def active_content(reader):
    """Which of JavaScript, launch actions and embedded files the document holds.

    Walks every object reachable from the trailer, so an action hidden in an outline item, a
    form field or a page's additional actions is found as surely as the catalog's OpenAction.
    """
    found = set()
    seen = set()
    pending = [reader.trailer]
    while pending:
        item = pending.pop()
        if isinstance(item, IndirectObject):
            ref = (item.idnum, item.generation)
            if ref in seen:
                continue
            seen.add(ref)
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            found |= dictionary_content(item)
            pending.extend(item.values())
        elif isinstance(item, ArrayObject):
            pending.extend(item)
    return found


def dictionary_content(dictionary):
    found = set()
    if "/JS" in dictionary or "/JavaScript" in dictionary:
        found.add(JAVASCRIPT)
    action = dictionary.get("/S")
    if action == "/JavaScript":
        found.add(JAVASCRIPT)
    elif action == "/Launch":
        found.add(LAUNCH)
    elif action == "/GoToE":
        found.add(EMBEDDED)
    if (
        "/EmbeddedFiles" in dictionary
        or "/EF" in dictionary
        or dictionary.get("/Type") == "/EmbeddedFile"
        or dictionary.get("/Subtype") == "/FileAttachment"
    ):
        found.add(EMBEDDED)
    return found


# -- malware ----------------------------------------------------------------------------------


def scan(name, data):
    """Refuse a file the scanner flags, and refuse to keep one it could not check (fail closed)."""
    scanner = scanning.upload_scanner()
    if scanner is None:
        return
    try:
        signature = scanner.scan([data])
    except scanning.ScannerUnavailable as error:
        logger.error("Upload refused: the malware scanner did not answer (%s)", error)
        raise ValidationError(
            gettext(
                "We cannot check the file %(name)s for viruses right now. "
                "Try attaching it again in a few minutes."
            )
            % {"name": name},
            code="scanner_unavailable",
        ) from None
    if signature:
        logger.warning("Upload refused: the malware scanner found %s", signature)
        raise ValidationError(
            gettext(
                "The file %(name)s contains a virus or another malicious program and cannot "
                "be accepted. Check your device with an antivirus and attach a clean copy."
            )
            % {"name": name},
            code="malware",
        )
