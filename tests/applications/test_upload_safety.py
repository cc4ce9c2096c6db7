"""Unsafe uploads through the citizen's wizard: refused at the field, the other answers kept."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from constructor.applications.models import Application
from tests.applications.conftest import VALID_STEPS, png_bytes
from tests.formbuilder.fake_clamd import EICAR, FakeClamd, free_port
from tests.formbuilder.samples import pdf

HTML_TAIL = b"<html><body><script>alert(document.cookie)</script></body></html>"
FIELD = "documents-passport_scan"


def field_error(response):
    """The message printed at the upload field itself (not the summary at the top)."""
    match = re.search(
        rf'<p class="form-error" id="id_{FIELD}-error">(.*?)</p>', response.content.decode(), re.S
    )
    assert match, "no message at the field"
    return match.group(1)


def post_documents(citizen, upload):
    return citizen.post_step("documents", VALID_STEPS["documents"], {FIELD: upload})


def assert_refused_and_answers_kept(citizen, response):
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{FIELD}"' in page  # the error summary links to the field
    # The choice made on the same page is still there, and nothing was stored.
    assert 'value="office" required id="id_documents-delivery_1" checked' in page
    assert citizen.draft().files.count() == 0
    assert "documents" not in citizen.draft().open_answers()["step_data"]


@pytest.fixture
def at_documents(citizen):
    citizen.fill_all(skip=("documents", "consent"))
    return citizen


def test_a_pdf_with_an_html_tail_is_refused_at_the_field_in_russian(at_documents):
    response = post_documents(
        at_documents, SimpleUploadedFile("паспорт.pdf", pdf() + HTML_TAIL, "application/pdf")
    )
    message = field_error(response)
    assert "В файле паспорт.pdf после конца PDF-документа есть посторонние данные." in message
    assert "Сохраните документ заново как PDF" in message
    assert_refused_and_answers_kept(at_documents, response)


def test_a_pdf_with_javascript_is_refused_and_a_hostile_name_stays_text(at_documents):
    from pypdf.actions import JavaScript

    name = '<img src=x onerror="alert(1)">.pdf'
    content = pdf(lambda writer: writer.add_open_action(JavaScript("app.alert(1)")))
    response = post_documents(at_documents, SimpleUploadedFile(name, content))
    message = field_error(response)
    assert "содержит встроенный сценарий (JavaScript)" in message
    assert escape(name) in message
    assert name not in response.content.decode()
    assert_refused_and_answers_kept(at_documents, response)


def test_a_png_with_a_script_appended_is_stored_without_it_and_submitted(at_documents):
    sent = png_bytes() + b"<script>alert(1)</script>"
    response = post_documents(at_documents, SimpleUploadedFile("паспорт.png", sent))
    assert response.status_code == 302
    record = at_documents.draft().files.get()
    stored = record.file.read()
    assert b"<script>" not in stored
    assert stored.startswith(b"\x89PNG")
    assert record.size == len(stored)
    assert at_documents.post_step("consent", VALID_STEPS["consent"]).status_code == 302
    at_documents.client.post(at_documents.base + "check/")
    [answer] = Application.objects.get().open_answers()["passport_scan"]
    assert answer["size"] == len(stored)


def test_a_virus_is_refused_with_a_russian_message(at_documents, settings):
    with FakeClamd() as clamd:
        settings.UPLOAD_SCANNER = clamd.setting
        response = post_documents(
            at_documents, SimpleUploadedFile("паспорт.png", png_bytes() + EICAR)
        )
    message = field_error(response)
    assert "В файле паспорт.png найден вирус или другая вредоносная программа" in message
    assert "Проверьте устройство антивирусом" in message
    assert_refused_and_answers_kept(at_documents, response)


def test_while_the_scanner_is_down_the_upload_waits_and_nothing_is_lost(at_documents, settings):
    settings.UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }
    response = post_documents(at_documents, SimpleUploadedFile("паспорт.png", png_bytes()))
    message = field_error(response)
    assert "Сейчас не удаётся проверить файл паспорт.png на вирусы." in message
    assert "Попробуйте приложить его ещё раз через несколько минут." in message
    assert_refused_and_answers_kept(at_documents, response)


def test_files_already_kept_are_not_scanned_again_on_every_page(citizen, settings):
    with FakeClamd() as clamd:
        settings.UPLOAD_SCANNER = clamd.setting
        citizen.fill_all()
        assert len(clamd.streams) == 1
    # The scanner goes away after the upload: the draft can still be checked and sent.
    settings.UPLOAD_SCANNER = {
        "BACKEND": "constructor.formbuilder.scanning.ClamdScanner",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "timeout": 2},
    }
    check = citizen.client.get(citizen.base + "check/")
    assert check.status_code == 200
    assert "паспорт.png" in check.content.decode()
    sent = citizen.client.post(citizen.base + "check/")
    assert sent.status_code == 302
    assert Application.objects.count() == 1
