"""An upload is held to its field's limits as it arrives, and the limits are said beforehand.

The documents step of the five-step form takes PDF or PNG, at most 1 MB each, at most two
files. The bodies here are made as the server reads them and count what it took: of a 30 MB
photo nothing past 1 MB is kept, and a body past any honest mistake is not read to its end.
"""

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from constructor.applications.models import ApplicationFile
from tests.applications.conftest import VALID_STEPS, png_bytes

BOUNDARY = "limit-test-boundary"
BLOCK = 64 * 1024
MEGABYTE = 1024 * 1024


class StreamedBody:
    """A multipart body produced while the server reads it, counting the bytes it handed out.

    ``fields_before`` and ``fields_after`` are (name, value) around one file part of
    ``file_size`` bytes (a PNG signature, then zeros).
    """

    def __init__(self, fields_before, file_name, file_size, fields_after=()):
        self.head = (
            self.fields(fields_before)
            + (
                f"--{BOUNDARY}\r\n"
                f'Content-Disposition: form-data; name="documents-passport_scan"; '
                f'filename="{file_name}"\r\nContent-Type: image/png\r\n\r\n'
            ).encode()
        )
        self.tail = b"\r\n" + self.fields(fields_after) + f"--{BOUNDARY}--\r\n".encode()
        self.file_size = file_size
        self.length = len(self.head) + file_size + len(self.tail)
        self.handed_out = 0
        self.buffer = b""
        self.blocks = self.produce()

    @staticmethod
    def fields(pairs):
        return b"".join(
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            ).encode()
            for name, value in pairs
        )

    def produce(self):
        yield self.head
        signature = png_bytes()[:8]
        yield signature
        left = self.file_size - len(signature)
        while left:
            size = min(BLOCK, left)
            yield bytes(size)
            left -= size
        yield self.tail

    def readline(self, size=-1):
        end = self.buffer.find(b"\n")
        while end == -1 and (block := next(self.blocks, None)) is not None:
            self.buffer += block
            end = self.buffer.find(b"\n")
        return self.read(len(self.buffer) if end == -1 else end + 1)

    def read(self, size=-1):
        while size < 0 or len(self.buffer) < size:
            block = next(self.blocks, None)
            if block is None:
                break
            self.buffer += block
        if size < 0:
            size = len(self.buffer)
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        self.handed_out += len(data)
        return data


def post_streamed(citizen, body):
    return citizen.client.generic(
        "POST",
        citizen.step_url("documents"),
        CONTENT_TYPE=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )


def page_of(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def at_documents(citizen):
    citizen.fill_all(skip=("documents", "consent"))
    return citizen


class PassedOn(FileUploadHandler):
    """After the limit handler, before the ones that store: what reaches storage."""

    largest_file = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.bytes = 0

    def receive_data_chunk(self, raw_data, start):
        self.bytes += len(raw_data)
        PassedOn.largest_file = max(PassedOn.largest_file, self.bytes)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture
def storage_watched(settings):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.PassedOn", *settings.FILE_UPLOAD_HANDLERS]
    PassedOn.largest_file = 0
    return PassedOn


def test_a_30_mb_photo_is_not_kept_past_its_limit_and_the_page_keeps_every_answer(
    at_documents, storage_watched
):
    body = StreamedBody(
        [("wizard-current_step", "documents")],
        "фото.png",
        30 * MEGABYTE,
        [("documents-delivery", "office")],
    )
    response = post_streamed(at_documents, body)
    assert response.status_code == 200
    # Read to its end, so that a browser still sending gets this page, not a reset ...
    assert body.handed_out == body.length
    # ... but nothing past the field's limit went on towards storage.
    assert MEGABYTE - 2 * BLOCK < storage_watched.largest_file <= MEGABYTE
    form = response.context["form"]
    assert form.has_error("passport_scan", "too_large")
    page = page_of(response)
    error = page.select_one("#id_documents-passport_scan-error").get_text(" ", strip=True)
    assert "Файл фото.png больше 1\u00a0МБ. Выберите файл меньшего размера." in error
    # The answer sent after the file arrived and is kept; nothing was stored or saved.
    assert page.select_one("input[name=documents-delivery][value=office]").has_attr("checked")
    assert ApplicationFile.objects.count() == 0
    assert at_documents.draft().open_answers()["step_data"].get("documents") is None


def test_answers_after_a_refused_file_are_the_ones_just_sent_not_the_saved_ones(at_documents):
    scan = SimpleUploadedFile("скан.png", png_bytes(), content_type="image/png")
    response = at_documents.post_step(
        "documents", {"documents-delivery": "post"}, {"documents-passport_scan": scan}
    )
    assert response.status_code == 302
    body = StreamedBody(
        [("wizard-current_step", "documents")],
        "фото.png",
        3 * MEGABYTE,
        [("documents-delivery", "office")],
    )
    page = page_of(post_streamed(at_documents, body))
    assert page.select_one("input[name=documents-delivery][value=office]").has_attr("checked")


def test_a_body_bigger_than_any_mistake_is_not_read_to_its_end(at_documents, settings):
    settings.UPLOAD_OVERSIZE_READ_BYTES = MEGABYTE
    scan = SimpleUploadedFile("скан.png", png_bytes(), content_type="image/png")
    saved = {"documents-delivery": "post"}
    response = at_documents.post_step("documents", saved, {"documents-passport_scan": scan})
    assert response.status_code == 302
    body = StreamedBody(
        [("wizard-current_step", "documents")],
        "фото.png",
        30 * MEGABYTE,
        [("documents-delivery", "office")],
    )
    response = post_streamed(at_documents, body)
    assert body.handed_out < MEGABYTE + 4 * BLOCK, body.handed_out
    assert response.context["form"].has_error("passport_scan", "too_large")
    # The body stopped at the file: the answer after it is the one the draft held.
    page = page_of(response)
    assert page.select_one("input[name=documents-delivery][value=post]").has_attr("checked")
    # The file given before stays in the draft.
    assert ApplicationFile.objects.filter(name="скан.png").count() == 1


def test_more_files_than_the_field_takes_are_stopped_at_the_one_too_many(at_documents):
    files = [
        SimpleUploadedFile(f"скан{n}.png", png_bytes(), content_type="image/png") for n in range(3)
    ]
    response = at_documents.post_step(
        "documents", VALID_STEPS["documents"], {"documents-passport_scan": files}
    )
    assert response.status_code == 200
    assert response.context["form"].has_error("passport_scan", "too_many_files")
    assert "не больше 2" in response.content.decode()
    assert ApplicationFile.objects.count() == 0


def test_a_file_for_a_question_the_page_does_not_have_is_refused_not_read(at_documents):
    response = at_documents.post_step(
        "documents",
        VALID_STEPS["documents"],
        {"documents-other": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")},
    )
    assert response.status_code == 200
    assert "Эта страница не принимает такой файл" in response.content.decode()
    assert ApplicationFile.objects.count() == 0


def test_a_step_without_uploads_refuses_any_file(citizen):
    citizen.start()
    response = citizen.post_step(
        "applicant",
        VALID_STEPS["applicant"],
        {"applicant-snils": SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")},
    )
    assert response.status_code == 200
    assert "Эта страница не принимает такой файл" in response.content.decode()


def test_the_token_is_still_checked_on_a_step(form_service, citizen):
    site = form_service.get_site()
    strict = Client(HTTP_HOST=f"{site.hostname}:{site.port}", enforce_csrf_checks=True)
    strict.get(citizen.base)
    page = strict.get(citizen.step_url("applicant"))
    token = page_of(page).select_one("input[name=csrfmiddlewaretoken]")["value"]
    data = {"wizard-current_step": "applicant", **VALID_STEPS["applicant"]}
    assert strict.post(citizen.step_url("applicant"), data).status_code == 403
    sent = strict.post(citizen.step_url("applicant"), {**data, "csrfmiddlewaretoken": token})
    assert sent.status_code == 302


def test_the_limits_are_said_under_the_input_and_given_to_the_browser_check(at_documents):
    response = at_documents.client.get(at_documents.step_url("documents"))
    page = page_of(response)
    rules = page.select_one("#id_documents-passport_scan-rules").get_text(strip=True)
    assert rules == (
        "Форматы: PDF, PNG. Размер каждого файла: не больше 1\u00a0МБ. Можно приложить до 2 файлов."
    )
    upload = page.select_one("input[name=documents-passport_scan]")
    assert "id_documents-passport_scan-rules" in upload["aria-describedby"].split()
    assert upload["data-max-size"] == str(MEGABYTE)
    assert upload["data-max-files"] == "2"
    assert upload["data-extensions"].split() == [".pdf", ".png"]
    assert upload["data-too-large"] == (
        "Файл __name__ больше 1\u00a0МБ. Выберите файл меньшего размера."
    )
    assert "__name__" in upload["data-wrong-type"]
