"""The citizen's application through its real URLs: good answers, bad ones, odd requests."""

import re
import time

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from constructor.applications.drafts import RESUME_SALT, resume_token
from constructor.applications.models import Application
from tests.applications.conftest import VALID_STEPS, png_bytes

# The start of a Windows program (an "MZ" header with its PE signature).
EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200
NUMBER = re.compile(r"^40-\d{4}-\d{6}$")


def html(response):
    return response.content.decode()


def progress(response):
    """The two numbers of "Step N of M" (the wording is translated later)."""
    text = re.search(r'class="application__progress">([^<]*)<', html(response)).group(1)
    return tuple(re.findall(r"\d+", text))


def saved_step_data(citizen, step):
    draft = citizen.draft()
    return draft.open_answers()["step_data"].get(step) if draft else None


def test_citizen_fills_every_step_and_gets_a_numbered_receipt(citizen):
    response = citizen.fill_all()
    assert response["Location"].endswith("/check/")
    check = citizen.client.get(citizen.base + "check/")
    assert "Иванова Анна Сергеевна" in html(check)
    assert "1. Имя ребёнка: Маша; Дата рождения: 01.05.2019" in html(check)
    assert "В МФЦ" in html(check)

    sent = citizen.client.post(citizen.base + "check/")
    application = Application.objects.get()
    assert NUMBER.match(application.number)
    assert sent["Location"].endswith(f"/submitted/{application.number}/")
    receipt = citizen.client.get(sent["Location"])
    assert application.number in html(receipt)
    assert citizen.service.title in html(receipt)
    assert application.open_answers()["phone"] == "+79101234567"
    assert application.open_answers()["passport_scan"][0]["name"] == "паспорт.png"


def test_progress_counts_the_steps_the_citizen_will_see(citizen):
    citizen.start()
    first = citizen.client.get(citizen.step_url("applicant"))
    assert progress(first) == ("1", "4")
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    second = citizen.client.get(citizen.step_url("children"))
    assert progress(second) == ("2", "5")
    assert progress(citizen.client.get(citizen.step_url("applicant"))) == ("1", "5")
    # Without children their step is skipped, and every page counts without it.
    citizen.post_step("applicant", {**VALID_STEPS["applicant"], "applicant-has_children": "no"})
    assert progress(citizen.client.get(citizen.step_url("applicant"))) == ("1", "4")
    assert progress(citizen.client.get(citizen.step_url("contacts"))) == ("2", "4")
    citizen.post_step("contacts", VALID_STEPS["contacts"])
    assert progress(citizen.client.get(citizen.step_url("documents"))) == ("3", "4")


def test_back_shows_the_answers_already_given(citizen):
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    back = citizen.client.get(citizen.step_url("applicant"))
    assert 'value="Иванова"' in html(back)
    assert 'value="112-233-445 95"' in html(back)


def test_a_step_hidden_by_an_answer_is_skipped_and_its_answers_dropped(citizen):
    citizen.fill_all()
    no_children = {**VALID_STEPS["applicant"], "applicant-has_children": "no"}
    response = citizen.post_step("applicant", no_children, QUERY_STRING="return=check")
    assert response["Location"].endswith("/check/")
    assert citizen.client.get(citizen.step_url("children"))["Location"].endswith("/check/")
    check = html(citizen.client.get(citizen.base + "check/"))
    assert "Маша" not in check and "Сведения о детях" not in check
    citizen.client.post(citizen.base + "check/")
    assert "children" not in Application.objects.get().open_answers()


BAD_ANSWERS = [
    ("applicant", "applicant-snils", "112-233-445 96", "id_applicant-snils"),
    ("applicant", "applicant-snils", "<script>alert(1)</script>", "id_applicant-snils"),
    ("applicant", "applicant-applicant_name_surname", "Ivanova", "id_applicant-applicant_name"),
    ("applicant", "applicant-has_children", "maybe", "id_applicant-has_children_0"),
    ("children", "children-children-0-child_birth", "2999-01-01", "id_children-children-0"),
    ("children", "children-children-0-child_birth", "2020-02-30", "id_children-children-0"),
    ("contacts", "contacts-phone", "12345", "id_contacts-phone"),
    ("contacts", "contacts-email", "anna@", "id_contacts-email"),
    ("documents", "documents-delivery", "courier", "id_documents-delivery_0"),
]


@pytest.mark.parametrize(("step", "name", "value", "anchor"), BAD_ANSWERS)
def test_bad_answer_is_reported_at_the_field_and_nothing_is_lost(
    citizen, step, name, value, anchor
):
    citizen.start()
    for earlier in list(VALID_STEPS)[: list(VALID_STEPS).index(step)]:
        files = (
            {"documents-passport_scan": SimpleUploadedFile("a.png", png_bytes())}
            if earlier == "documents"
            else {}
        )
        assert citizen.post_step(earlier, VALID_STEPS[earlier], files).status_code == 302
    before = saved_step_data(citizen, step)
    data = {**VALID_STEPS[step], name: value}
    files = (
        {"documents-passport_scan": SimpleUploadedFile("a.png", png_bytes())}
        if step == "documents"
        else {}
    )
    response = citizen.post_step(step, data, files)
    page = html(response)
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert f'href="#{anchor}' in page
    assert 'class="form-error"' in page
    if step != "children":  # the group's rows carry the message on their fieldset
        assert 'aria-invalid="true"' in page
    # The other answers on the page are still there to correct, and nothing invalid is saved.
    for other, kept in VALID_STEPS[step].items():
        if other != name and kept:
            assert f'value="{kept}"' in page
    if name not in ("applicant-has_children", "documents-delivery"):
        assert f'value="{escape(value)}"' in page  # what was typed stays, to be corrected
    assert saved_step_data(citizen, step) == before
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.png", EXECUTABLE, content_type="image/png"), "file_content"),
        (
            SimpleUploadedFile("scan.pdf", png_bytes(), content_type="application/pdf"),
            "file_content",
        ),
        (SimpleUploadedFile("scan.exe", EXECUTABLE), "file_type"),
        (SimpleUploadedFile("scan.png", png_bytes() + b"0" * (1024 * 1024)), "too_large"),
    ],
    ids=["program-named-png", "png-named-pdf", "program", "too-large"],
)
def test_bad_upload_is_refused_and_not_stored(citizen, upload, message):
    citizen.fill_all(skip=("documents", "consent"))
    response = citizen.post_step(
        "documents", VALID_STEPS["documents"], {"documents-passport_scan": upload}
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("passport_scan", message)
    name = upload.name
    page = html(response)
    # The message is at the field and in the error summary at the top.
    assert page.count(name) >= 2
    assert 'href="#id_documents-passport_scan"' in page
    assert 'value="office" required id="id_documents-delivery_1" checked' in html(response)
    assert citizen.draft().files.count() == 0


def test_uploads_are_kept_across_steps_in_private_storage(citizen, settings):
    citizen.fill_all()
    record = citizen.draft().files.get()
    assert str(settings.PRIVATE_MEDIA_ROOT) in record.file.path
    assert str(settings.MEDIA_ROOT) not in record.file.path
    with pytest.raises(ValueError):
        record.file.url  # noqa: B018
    # Going back to the step and continuing without choosing again keeps the file.
    again = citizen.post_step("documents", VALID_STEPS["documents"])
    assert again.status_code == 302
    assert citizen.draft().files.count() == 1


@pytest.mark.parametrize("target", ["contacts", "consent", "documents"])
def test_jumping_ahead_by_url_goes_back_to_the_first_unfinished_step(citizen, target):
    citizen.start()
    response = citizen.client.get(citizen.step_url(target))
    assert response["Location"].endswith("/step/applicant/")
    posted = citizen.post_step(target, VALID_STEPS[target])
    assert posted["Location"].endswith("/step/applicant/")
    assert saved_step_data(citizen, target) is None
    assert citizen.client.post(citizen.base + "check/")["Location"].endswith("/step/applicant/")
    assert not Application.objects.exists()


def test_an_unknown_step_in_the_url_goes_to_the_first_unfinished_step(citizen):
    citizen.start()
    response = citizen.client.get(citizen.step_url("no_such_step"))
    assert response["Location"].endswith("/step/applicant/")


@pytest.mark.parametrize(
    "management", [{"wizard-current_step": "consent"}, {"wizard-current_step": ""}, {}]
)
def test_tampered_hidden_step_field_gets_a_clear_message_not_an_error(citizen, management):
    citizen.start()
    data = {**VALID_STEPS["applicant"], **management}
    if not management:
        data.pop("wizard-current_step", None)
    response = citizen.client.post(citizen.step_url("applicant"), data)
    if "wizard-current_step" not in management:
        response = citizen.client.post(citizen.step_url("applicant"), VALID_STEPS["applicant"])
    assert response.status_code == 302
    assert response["Location"].endswith("/step/applicant/")
    assert saved_step_data(citizen, "applicant") is None
    page = html(citizen.client.get(response["Location"]))
    assert 'class="notice" role="status"' in page


def test_resume_link_brings_the_draft_to_another_browser(citizen, client):
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    token = resume_token(citizen.draft())
    other = type(citizen.client)(HTTP_HOST=citizen.client.defaults["HTTP_HOST"])
    asked = other.get(f"/apply/resume/{token}/")
    assert asked.status_code == 200
    assert "Продолжить заполнение" in html(asked)
    response = other.post(f"/apply/resume/{token}/", follow=True)
    assert response.redirect_chain[-1][0].endswith("/step/children/")
    back = other.get(citizen.step_url("applicant"))
    assert 'value="Иванова"' in html(back)


def test_opening_a_resume_link_stores_nothing_until_the_citizen_continues(citizen):
    from django.contrib.sessions.models import Session

    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    token = resume_token(citizen.draft())
    sessions = Session.objects.count()
    # A mail scanner or a link preview fetches the link without a cookie.
    scanner = type(citizen.client)(HTTP_HOST=citizen.client.defaults["HTTP_HOST"])
    assert scanner.get(f"/apply/resume/{token}/").status_code == 200
    assert Session.objects.count() == sessions
    assert scanner.get(citizen.step_url("children")).status_code == 302


def test_forged_resume_link_gets_a_clear_page(citizen):
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    token = resume_token(citizen.draft())
    response = citizen.client.get(f"/apply/resume/{token[:-3]}abc/")
    assert response.status_code == 400
    assert "<h1" in html(response)
    assert "30" not in html(response)


class OldSigner(signing.TimestampSigner):
    def timestamp(self):
        return signing.b62_encode(int(time.time()) - 31 * 24 * 60 * 60)


def test_expired_resume_link_gets_a_clear_page(citizen):
    citizen.start()
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    token = OldSigner(salt=RESUME_SALT).sign_object(
        {"draft": str(citizen.draft().pk)}, compress=True
    )
    response = citizen.client.get(f"/apply/resume/{token}/")
    assert response.status_code == 410
    assert "30" in html(response)


def test_double_submit_gives_one_application(citizen):
    citizen.fill_all()
    first = citizen.client.post(citizen.base + "check/")
    second = citizen.client.post(citizen.base + "check/")
    assert first["Location"] == second["Location"]
    assert Application.objects.count() == 1


def test_every_step_offers_the_resume_link_once_something_is_saved(citizen):
    citizen.start()
    # Nothing is saved before the first page is sent, so there is nothing to come back to.
    assert "/apply/resume/" not in html(citizen.client.get(citizen.step_url("applicant")))
    citizen.post_step("applicant", VALID_STEPS["applicant"])
    for step in ("applicant", "children"):
        assert "/apply/resume/" in html(citizen.client.get(citizen.step_url(step)))


def test_choosing_new_files_replaces_the_old_ones(citizen):
    citizen.fill_all()
    old = citizen.draft().files.get()
    response = citizen.post_step(
        "documents",
        VALID_STEPS["documents"],
        {"documents-passport_scan": SimpleUploadedFile("новый.png", png_bytes())},
    )
    assert response.status_code == 302
    new = citizen.draft().files.get()
    assert new.name == "новый.png"
    assert not old.file.storage.exists(old.file.name)
