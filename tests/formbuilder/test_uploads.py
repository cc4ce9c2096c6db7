"""An upload is taken apart before it is kept: whole pictures without metadata, plain PDFs, clean.

Each test goes through the upload field of a step form, the way the citizen's wizard uses it,
and reads the message in Russian, as the citizen does.
"""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript, PageTrigger
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from constructor.formbuilder.forms import build_step_form
from constructor.formbuilder.uploads import StoredUpload, vet_upload
from tests.formbuilder.fake_clamd import EICAR, FakeClamd, free_port
from tests.formbuilder.helpers import compiled, field, step
from tests.formbuilder.samples import pdf, picture


@pytest.fixture(autouse=True)
def russian_messages():
    with translation.override("ru"):
        yield


HTML_TAIL = b"<html><body><script>document.location='https://evil.example/'</script></body></html>"
SCRIPT = b"<script>alert(document.cookie)</script>"


def upload_form(files, max_size_mb=5):
    schema = compiled(
        step(
            "main",
            field(
                "file",
                "scan",
                allowed_types=["pdf", "jpeg", "png"],
                max_size_mb=max_size_mb,
                max_files=3,
            ),
        )
    )
    form_class = build_step_form(schema["layout"]["steps"][0], {})
    return form_class(data={}, files=MultiValueDict({"scan": files}))


def refused(name, content, code):
    form = upload_form([SimpleUploadedFile(name, content)])
    assert not form.is_valid()
    assert form.has_error("scan", code), form.errors.as_data()
    message = form.errors["scan"][0]
    assert name in message
    return message


def accepted(name, content):
    """The bytes that would be stored for the upload, and its answer."""
    upload = SimpleUploadedFile(name, content)
    form = upload_form([upload])
    assert form.is_valid(), form.errors
    upload.seek(0)
    stored = upload.read()
    [answer] = form.answers()["scan"]
    assert answer["size"] == len(stored)
    return stored, answer


# -- PDF documents ----------------------------------------------------------------------------


def test_a_plain_pdf_is_accepted_unchanged():
    content = pdf()
    stored, answer = accepted("заявление.pdf", content)
    assert stored == content
    assert answer["content_type"] == "application/pdf"


def test_a_pdf_with_an_html_page_after_its_end_is_refused():
    message = refused("скан.pdf", pdf() + HTML_TAIL, "pdf_tail")
    assert "после конца PDF-документа" in message
    assert "Сохраните документ заново как PDF" in message


def test_white_space_after_the_end_is_fine():
    accepted("скан.pdf", pdf() + b"\r\n \x00\n")


def add_open_script(writer):
    writer.add_open_action(JavaScript("app.launchURL('https://evil.example/');"))


def add_page_script(writer):
    writer.pages[0].add_action(PageTrigger.OPEN, JavaScript("app.alert(1);"))


def add_outline_script(writer):
    item = writer.add_outline_item(title="Глава 1", page_number=0).get_object()
    item[NameObject("/A")] = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )


@pytest.mark.parametrize(
    "build",
    [add_open_script, add_page_script, add_outline_script],
    ids=["document-open", "page-open", "outline-item"],
)
def test_a_pdf_with_javascript_is_refused_wherever_the_script_hides(build):
    message = refused("справка.pdf", pdf(build), "pdf_javascript")
    assert "встроенный сценарий" in message
    assert "Сохраните документ заново как PDF без сценариев" in message


def add_attachment(writer):
    writer.add_attachment("payload.exe", b"MZ\x90\x00")


def add_attachment_annotation(writer):
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject(),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])


@pytest.mark.parametrize(
    "build", [add_attachment, add_attachment_annotation], ids=["names-tree", "annotation"]
)
def test_a_pdf_with_an_embedded_file_is_refused(build):
    message = refused("справка.pdf", pdf(build), "pdf_embedded")
    assert "вложенные файлы" in message
    assert "Сохраните документ заново как PDF без вложений" in message


def add_launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )


def test_a_pdf_that_launches_a_program_is_refused():
    message = refused("справка.pdf", pdf(add_launch), "pdf_launch")
    assert "запуска других программ" in message


def test_every_problem_of_a_pdf_is_named():
    def everything(writer):
        add_open_script(writer)
        add_attachment(writer)

    form = upload_form([SimpleUploadedFile("справка.pdf", pdf(everything))])
    assert not form.is_valid()
    assert form.has_error("scan", "pdf_javascript")
    assert form.has_error("scan", "pdf_embedded")


@pytest.mark.parametrize("password", ["secret", ""], ids=["password", "empty-password"])
def test_an_encrypted_pdf_is_refused(password):
    message = refused("выписка.pdf", pdf(lambda writer: writer.encrypt(password)), "pdf_encrypted")
    assert "защищён паролем" in message


def test_a_pdf_without_pages_is_refused():
    writer = PdfWriter()
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "нет ни одной страницы" in refused("пусто.pdf", buffer.getvalue(), "pdf_no_pages")


@pytest.mark.parametrize(
    "content",
    [
        pdf()[:400],
        pdf()[:400] + b"\n%%EOF\n",
        b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF",
        b"%PDF-1.4\n1 0 obj\n" + b"[" * 5000 + b"\nendobj\ntrailer\n<</Root 1 0 R>>\n%%EOF",
    ],
    ids=["cut-off", "cut-off-with-eof", "no-catalog", "noise", "deeply-nested"],
)
def test_a_broken_pdf_is_refused_with_a_message_not_an_error(content):
    message = refused("скан.pdf", content, "pdf_broken")
    assert "повреждён" in message


# -- pictures ---------------------------------------------------------------------------------


def test_a_png_with_a_script_appended_is_kept_without_it():
    original = picture()
    stored, answer = accepted("фото.png", original + SCRIPT)
    assert SCRIPT not in stored
    assert b"script" not in stored
    assert answer["content_type"] == "image/png"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG"
        assert image.size == (40, 30)
        assert image.getpixel((0, 0)) == (13, 76, 211)


def test_text_chunks_of_a_png_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    stored, _answer = accepted("фото.png", picture(pnginfo=info))
    assert b"script" not in stored


def gps_photo():
    """A phone photo: taken sideways (orientation 6), with the place it was taken."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (54.0, 30.0, 52.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (36.0, 16.0, 31.0),
    }
    return picture("JPEG", size=(40, 30), exif=exif.tobytes(), comment=SCRIPT)


def test_a_jpeg_is_kept_upright_without_its_gps_position():
    original = gps_photo()
    with Image.open(io.BytesIO(original)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo does carry it
    stored, answer = accepted("фото.jpg", original)
    assert answer["content_type"] == "image/jpeg"
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info
        # Orientation 6 means "turn 90° clockwise to view": the stored pixels stand upright.
        assert image.size == (30, 40)
    assert b"Exif" not in stored
    assert b"script" not in stored


def test_a_png_loses_its_gps_position_too():
    exif = Image.Exif()
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N"}
    stored, _answer = accepted("скан.png", picture(exif=exif.tobytes()))
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif()
    assert b"eXIf" not in stored


def test_a_transparent_png_stays_transparent():
    buffer = io.BytesIO()
    Image.new("P", (8, 8), 0).save(buffer, "PNG", transparency=0)
    stored, _answer = accepted("подпись.png", buffer.getvalue())
    with Image.open(io.BytesIO(stored)) as image:
        assert image.info["transparency"] == 0


def test_a_jpeg_keeps_its_quality_and_does_not_grow():
    original = picture("JPEG", size=(400, 300), quality=40)
    stored, _answer = accepted("скан.jpeg", original)
    assert len(stored) <= len(original)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("фото.png", picture()[:60]),
        ("фото.jpg", picture("JPEG", size=(200, 200))[:-400]),
        ("фото.png", picture()[:33] + b"\x00" * 40 + picture()[73:]),
    ],
    ids=["png-cut-off", "jpeg-cut-off", "png-corrupt-chunk"],
)
def test_a_truncated_or_corrupt_picture_is_refused(name, content):
    message = refused(name, content, "image_broken")
    assert "повреждено или загружено не полностью" in message


def png_chunk(kind, data):
    return struct.pack("!I", len(data)) + kind + data + struct.pack("!I", zlib.crc32(kind + data))


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    # 50 000 × 50 000 grey pixels (2.5 gigapixels) in a few hundred bytes.
    bomb = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack("!IIBBBBB", 50_000, 50_000, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 50_001 * 16))
        + png_chunk(b"IEND", b"")
    )
    assert len(bomb) < 1000
    message = refused("фото.png", bomb, "image_too_large")
    assert "слишком большое" in message


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_a_picture_just_over_the_pixel_limit_is_refused_too(monkeypatch):
    # Pillow only warns between MAX_IMAGE_PIXELS and twice that; the form refuses.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    refused("фото.png", picture(size=(40, 30)), "image_too_large")


def test_a_picture_whose_clean_copy_exceeds_the_size_limit_is_refused():
    upload = SimpleUploadedFile("фото.png", picture())
    with pytest.raises(ValidationError) as refusal:
        vet_upload(upload, "image/png", max_size=len(picture()) - 1)
    assert refusal.value.code == "too_large"
    assert "после подготовки к отправке" in refusal.value.messages[0]


def test_a_large_upload_on_disk_is_cleaned_in_place(settings, tmp_path):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    upload = TemporaryUploadedFile("фото.png", "image/png", 0, None)
    upload.write(picture() + SCRIPT)
    upload.size = upload.tell()
    upload.seek(0)  # as Django's upload handler leaves it
    form = upload_form([upload])
    assert form.is_valid(), form.errors
    with open(upload.temporary_file_path(), "rb") as stored:
        assert SCRIPT not in stored.read()
    upload.close()


def test_a_file_reopened_from_storage_is_not_taken_apart_again(settings):
    settings.UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port()},  # nobody listens: a scan fails
    }
    content = picture()
    stored = StoredUpload(io.BytesIO(content), "фото.png", "image/png", len(content))
    assert upload_form([stored]).is_valid()


# -- malware ----------------------------------------------------------------------------------


@pytest.fixture
def clamd(settings):
    with FakeClamd() as server:
        settings.UPLOAD_SCANNER = server.setting
        yield server


def test_a_clean_upload_passes_the_scanner(clamd):
    content = pdf()
    accepted("заявление.pdf", content)
    assert b"".join(clamd.streams[0]) == content


def test_the_scanner_sees_what_the_citizen_sent_not_the_cleaned_copy(clamd):
    message = refused("фото.png", picture() + EICAR, "malware")
    assert "вирус" in message
    assert "антивирус" in message


def test_an_unreachable_scanner_refuses_the_upload_rather_than_keep_it_unscanned(settings, caplog):
    settings.UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }
    message = refused("заявление.pdf", pdf(), "scanner_unavailable")
    assert "Попробуйте приложить его ещё раз через несколько минут" in message
    assert "did not answer" in caplog.text


def test_the_scanner_is_not_asked_about_files_already_refused(clamd):
    refused("скан.pdf", pdf() + HTML_TAIL, "pdf_tail")
    assert clamd.streams == []
