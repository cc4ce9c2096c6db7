"""The agency's status callback API, the citizen's e-mails, timeline and status link."""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

import json
import logging
import time

import pytest
from django.urls import reverse

from constructor.applications.drafts import SESSION_KEY
from constructor.applications.models import Application, ApplicationEvent
from constructor.applications.status_links import status_path, status_token
from constructor.applications.statuses import record_status
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    OTHER_SECRET,
    SECRET,
    integration,
    make_application,
    other_integration,
    post_status,
    signed_headers,
    status_service,
)

REASON = "Ребёнок не проживает на территории закреплённого микрорайона."


@pytest.fixture
def application(make_application):
    return make_application()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs the after-commit work (e-mails) of everything done inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def event(status, event_id="evt-1", **extra):
    return {"event_id": event_id, "status": status, **extra}


def current(application):
    return Application.objects.get(pk=application.pk).status


def status_link_start(application):
    """A status link up to its timestamp: links issued a second apart differ only after it."""
    return status_path(application).split(":")[0]


# The API ---------------------------------------------------------------------------------


def test_a_signed_callback_moves_the_status(client, application, commit):
    with commit():
        response = post_status(client, application.number, event("accepted"))
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "recorded": True}
    recorded = ApplicationEvent.objects.get()
    assert (recorded.status_from, recorded.status_to) == ("submitted", "accepted")
    assert recorded.actor == "agency:kaluga-kindergarten"
    assert recorded.event_key == "evt-1"


def test_a_replayed_callback_records_one_event(client, application, commit, mailoutbox):
    for _attempt in range(3):
        with commit():
            response = post_status(client, application.number, event("accepted"))
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "recorded": False}
    assert ApplicationEvent.objects.count() == 1
    assert len(mailoutbox) == 1


def test_the_previous_secret_still_works_while_rotating(client, application, integration):
    integration.previous_hmac_secret = SECRET
    integration.hmac_secret = "rotated-secret"
    integration.save()
    assert post_status(client, application.number, event("accepted")).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_X_TIMESTAMP": str(int(time.time()))},
        {"HTTP_X_SIGNATURE": "0" * 64},
        {"HTTP_X_TIMESTAMP": "вчера", "HTTP_X_SIGNATURE": "0" * 64},
    ],
    ids=["nothing", "no-signature", "no-timestamp", "bad-timestamp"],
)
def test_missing_signature_is_401_and_changes_nothing(client, application, caplog, headers):
    with caplog.at_level(logging.WARNING, logger="constructor.applications.api"):
        response = post_status(client, application.number, event("accepted"), headers=headers)
    assert response.status_code == 401
    assert current(application) == "submitted"
    assert not ApplicationEvent.objects.exists()
    assert any(application.number in r.getMessage() for r in caplog.records)


def test_a_wrong_secret_is_401_logged_without_secrets(client, application, caplog):
    with caplog.at_level(logging.WARNING, logger="constructor.applications.api"):
        response = post_status(client, application.number, event("accepted"), secret="guess")
    assert response.status_code == 401
    assert current(application) == "submitted"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "signature does not match" in logged
    assert SECRET not in logged


def test_a_tampered_body_is_401(client, application):
    body = json.dumps(event("accepted")).encode()
    headers = signed_headers(SECRET, body, number=application.number)
    tampered = json.dumps(event("refused", message="x")).encode()
    response = post_status(client, application.number, tampered, headers=headers)
    assert response.status_code == 401
    assert current(application) == "submitted"


def test_a_callback_signed_for_one_application_is_refused_for_another(client, make_application):
    first, second = make_application(), make_application()
    body = json.dumps(event("accepted")).encode()
    captured = signed_headers(SECRET, body, number=first.number)
    replayed = post_status(client, second.number, body, headers=captured)
    assert replayed.status_code == 401
    assert current(second) == "submitted"
    assert post_status(client, first.number, body, headers=captured).status_code == 200


@pytest.mark.parametrize("skew", [-301, 301, -3600])
def test_a_stale_or_future_timestamp_is_401(client, application, skew):
    stamp = int(time.time()) + skew
    response = post_status(client, application.number, event("accepted"), timestamp=stamp)
    assert response.status_code == 401
    assert current(application) == "submitted"


def test_unknown_number_is_401_to_strangers_and_404_to_agencies(client, application):
    stranger = post_status(client, "40-2026-9999999", event("accepted"), secret="guess")
    assert stranger.status_code == 401
    agency = post_status(client, "40-2026-9999999", event("accepted"))
    assert agency.status_code == 404
    assert "error" in agency.json()


def test_another_agency_cannot_touch_the_application(client, application, other_integration):
    response = post_status(client, application.number, event("accepted"), secret=OTHER_SECRET)
    assert response.status_code == 404
    assert current(application) == "submitted"


def test_an_application_without_integration_takes_no_callbacks(
    client, make_application, status_service
):
    status_service.integration = None
    status_service.save()
    application = make_application()
    # A genuine agency asking about an application that is not its own: as if unknown.
    assert post_status(client, application.number, event("accepted")).status_code == 404
    assert current(application) == "submitted"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"{not json", "JSON"),
        (b"[1, 2]", "object"),
        (json.dumps({"status": "accepted"}).encode(), "event_id"),
        (json.dumps(event("lost")).encode(), "status"),
        (json.dumps(event("delivered")).encode(), "status"),
        (json.dumps(event("refused")).encode(), "message"),
        (json.dumps(event("info_needed", message=" ")).encode(), "message"),
        (json.dumps(event("accepted", message=5)).encode(), "message"),
    ],
    ids=[
        "not-json",
        "not-object",
        "no-event-id",
        "unknown-status",
        "internal-status",
        "refused-without-reason",
        "question-without-text",
        "message-not-string",
    ],
)
def test_bad_bodies_are_400_with_a_json_error(client, application, body, needle):
    response = post_status(client, application.number, body)
    assert response.status_code == 400
    assert needle in response.json()["error"]
    assert current(application) == "submitted"


def test_a_bad_document_link_is_400(client, application):
    record_status(application, "approved", actor="agency:test")
    body = event("completed", document_url="javascript:alert(1)")
    response = post_status(client, application.number, body)
    assert response.status_code == 400
    assert current(application) == "approved"


def test_an_impossible_transition_is_409(client, application):
    record_status(application, "refused", actor="agency:test", message=REASON)
    response = post_status(client, application.number, event("approved"))
    assert response.status_code == 409
    assert response.json()["current_status"] == "refused"
    assert current(application) == "refused"


def test_the_api_needs_no_csrf_and_only_takes_post(application):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post_status(strict, application.number, event("accepted")).status_code == 200
    assert strict.get(f"/api/v1/applications/{application.number}/status").status_code == 405


def test_a_delivery_names_the_integration_when_present(
    client, application, integration, other_integration
):
    from constructor.integrations.models import Delivery

    Delivery.objects.update_or_create(
        application=application, defaults={"integration": other_integration}
    )
    assert post_status(client, application.number, event("accepted")).status_code == 404
    response = post_status(client, application.number, event("accepted"), secret=OTHER_SECRET)
    assert response.status_code == 200


# E-mails ---------------------------------------------------------------------------------


def test_accepted_is_mailed_in_russian(client, application, commit, mailoutbox):
    with commit():
        post_status(client, application.number, event("accepted"))
    (mail,) = mailoutbox
    assert mail.to == ["anna.ivanova@example.ru"]
    assert mail.subject == f"Заявление {application.number}: Принято"
    assert "Здравствуйте!" in mail.body
    assert "«Запись в детский сад»" in mail.body
    assert "Ведомство приняло ваше заявление" in mail.body
    assert status_link_start(application) in mail.body
    assert "http://kaluga.localhost" in mail.body


def test_a_refusal_carries_its_reason(client, application, commit, mailoutbox):
    with commit():
        post_status(client, application.number, event("refused", message=REASON))
    (mail,) = mailoutbox
    assert "Отказано" in mail.subject
    assert "Ведомство отказало в предоставлении услуги. Причина:" in mail.body
    assert REASON in mail.body


def test_a_question_carries_what_is_asked(client, application, commit, mailoutbox):
    question = "Приложите справку о регистрации ребёнка по месту жительства."
    with commit():
        post_status(client, application.number, event("info_needed", message=question))
    (mail,) = mailoutbox
    assert "Ведомству нужны от вас дополнительные сведения:" in mail.body
    assert question in mail.body


def test_completion_links_the_result_document(client, application, commit, mailoutbox):
    url = "https://docs.kaluga.example.ru/results/direction-40.pdf"
    with commit():
        record_status(application, "approved", actor="agency:test")
        post_status(client, application.number, event("completed", document_url=url))
    assert [m.subject.split(": ")[1] for m in mailoutbox] == ["Одобрено", "Исполнено"]
    assert f"Документ с результатом: {url}" in mailoutbox[1].body


def test_delivered_and_in_progress_are_not_mailed(application, commit, mailoutbox):
    with commit():
        record_status(application, "delivered", actor="system")
    assert mailoutbox == []


def test_no_email_answer_means_no_mail(make_application, client, commit, mailoutbox):
    application = make_application({"child_name": "Маша", "contact_email": ""})
    with commit():
        assert post_status(client, application.number, event("accepted")).status_code == 200
    assert mailoutbox == []


def test_the_first_given_address_is_used(make_application, client, commit, mailoutbox):
    application = make_application({"contact_email": "", "spare_email": "spare@example.ru"})
    with commit():
        post_status(client, application.number, event("accepted"))
    assert mailoutbox[0].to == ["spare@example.ru"]


def test_a_rolled_back_change_sends_nothing(application, mailoutbox):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        record_status(application, "accepted", actor="agency:test")
        raise RuntimeError
    assert current(application) == "submitted"
    assert mailoutbox == []


# The citizen's timeline and status link ---------------------------------------------------


def site_client(service):
    from django.test import Client

    site = service.get_site()
    return Client(HTTP_HOST=f"{site.hostname}:{site.port}")


def with_history(application):
    record_status(application, "delivered", actor="system")
    record_status(application, "accepted", actor="agency:kaluga-kindergarten", event_key="a")
    record_status(application, "refused", actor="agency:kaluga-kindergarten", message=REASON)


def test_the_receipt_shows_the_history_and_the_status_link(application, status_service):
    with_history(application)
    browser = site_client(status_service)
    session = browser.session
    session[SESSION_KEY] = {str(status_service.pk): str(application.draft.pk)}
    session.save()
    url = reverse("applications:receipt", args=[status_service.slug, application.number])
    response = browser.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "История заявления" in page
    for label in ("Отправлено", "Доставлено в ведомство", "Принято", "Отказано"):
        assert label in page
    assert f"Причина: {REASON}" in page
    assert status_link_start(application) in page
    assert response["Cache-Control"] == "private, no-store"


def test_the_status_link_works_without_a_session(application, status_service):
    with_history(application)
    response = site_client(status_service).get(status_path(application))
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Заявление {application.number}" in page
    assert REASON in page
    assert 'aria-current="step"' in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_status_page_shows_the_result_document(application, status_service):
    record_status(application, "approved", actor="agency:test")
    url = "https://docs.kaluga.example.ru/results/1.pdf"
    record_status(application, "completed", actor="agency:test", document_url=url)
    page = site_client(status_service).get(status_path(application)).content.decode()
    assert f'href="{url}"' in page
    assert "Документ с результатом" in page


def test_an_altered_status_link_is_404(application, status_service):
    token = status_token(application)
    browser = site_client(status_service)
    altered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert browser.get(reverse("applications:status", args=[altered])).status_code == 404
    assert browser.get(reverse("applications:status", args=["nonsense"])).status_code == 404


def test_the_status_link_is_404_on_another_regions_site(application, other_region):
    site = other_region.home_page.get_site()
    from django.test import Client

    browser = Client(HTTP_HOST=f"{site.hostname}:{site.port}")
    assert browser.get(status_path(application)).status_code == 404


# Officials --------------------------------------------------------------------------------


def test_officials_see_the_history_with_actors(client, editor, application, integration):
    with_history(application)
    client.force_login(editor)
    page = client.get(reverse("applications_admin_detail", args=[application.number]))
    html = page.content.decode()
    assert "История статусов" in html
    assert "Система" in html
    # The agency by name, then its system: officials never see internal codes.
    assert f"{integration.agency} — {integration.name}" in html
    assert "kaluga-kindergarten)" not in html.replace(integration.name, "")
    assert REASON in html


def test_a_non_ascii_signature_is_401_not_a_crash(client, application, caplog):
    body = json.dumps(event("accepted")).encode()
    headers = {"HTTP_X_TIMESTAMP": str(int(time.time())), "HTTP_X_SIGNATURE": "é" * 64}
    response = post_status(client, application.number, body, headers=headers)
    assert response.status_code == 401
    assert current(application) == "submitted"


def test_an_application_never_delivered_takes_no_callbacks_from_the_pages_agency(
    client, make_application, integration
):
    # Submitted while the integration was switched off: kept with the officials, never sent.
    integration.is_active = False
    integration.save()
    application = make_application()
    integration.is_active = True
    integration.save()
    assert post_status(client, application.number, event("accepted")).status_code == 404
    assert current(application) == "submitted"


class _RefusingSmtp:
    """A mail server that refuses every recipient, as a real one does for a dead mailbox."""

    def __init__(self):
        import socketserver

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 mx.example.ru ESMTP\r\n")
                for line in self.rfile:
                    verb = line[:4].upper()
                    if verb in (b"EHLO", b"HELO"):
                        self.wfile.write(b"250 mx.example.ru\r\n")
                    elif verb == b"RCPT":
                        self.wfile.write(b"550 5.1.1 No such mailbox\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 Bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 OK\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]

    def __enter__(self):
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_refused_mail_is_logged_without_the_address(
    client, application, commit, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    with _RefusingSmtp() as smtp, caplog.at_level(logging.INFO):
        settings.EMAIL_PORT = smtp.port
        with commit():
            response = post_status(client, application.number, event("accepted"))
    assert response.status_code == 200  # the mail failure does not undo the change
    assert current(application) == "accepted"
    assert "Could not e-mail the citizen" in caplog.text
    assert "anna.ivanova@example.ru" not in caplog.text
