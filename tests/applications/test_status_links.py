"""The citizen's status link expires, says until when, and is renewed by e-mail."""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

import datetime
import re
import socket
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from constructor.applications.models import Application
from constructor.applications.status_links import STATUS_SALT, status_path
from constructor.applications.statuses import record_status
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    integration,
    make_application,
    status_service,
)

DAY = 24 * 60 * 60
ADDRESS = "anna.ivanova@example.ru"
LINK = re.compile(r"https?://\S+/apply/status/[^/\s]+/")
UNTIL = re.compile(r"Ссылка действует до (\d\d\.\d\d\.\d{4} \d\d:\d\d)\.")


class SignedAt(signing.TimestampSigner):
    """Django's signer with its clock set to ``at``: a link as it was issued back then."""

    def __init__(self, at, **kwargs):
        super().__init__(**kwargs)
        self.at = at

    def timestamp(self):
        return signing.b62_encode(int(self.at))


def link_issued(application, days_ago, salt=STATUS_SALT):
    """The status path of a link issued ``days_ago``, exactly as the site signed it then."""
    token = SignedAt(time.time() - days_ago * DAY, salt=salt).sign_object(
        {"application": str(application.uuid)}, compress=True
    )
    return reverse("applications:status", args=[token])


def renew_path(status_link):
    return status_link + "renew/"


def site_client(service, **kwargs):
    site = service.get_site()
    return Client(HTTP_HOST=f"{site.hostname}:{site.port}", **kwargs)


def until(text):
    """The date a text says the link works until, as an aware datetime."""
    (stamp,) = UNTIL.findall(text)
    naive = datetime.datetime.strptime(stamp, "%d.%m.%Y %H:%M")
    return timezone.make_aware(naive)


def assert_about_ninety_days_from_now(moment):
    expected = timezone.now() + datetime.timedelta(days=90)
    assert abs(moment - expected) < datetime.timedelta(minutes=2)


@pytest.fixture
def application(make_application):
    return make_application()


@pytest.fixture
def browser(status_service):
    return site_client(status_service)


# A link's lifetime -------------------------------------------------------------------------


def test_a_fresh_link_shows_the_application(application, browser):
    response = browser.get(status_path(application))
    assert response.status_code == 200
    assert f"Заявление {application.number}" in response.content.decode()


def test_a_link_issued_before_the_lifetime_existed_still_works(application, browser):
    # Links were always signed with a timestamp: one issued 89 days ago is still in its life.
    response = browser.get(link_issued(application, days_ago=89))
    assert response.status_code == 200
    assert "data-application-status" in response.content.decode()


def test_an_expired_link_offers_a_new_one_and_shows_nothing_more(application, browser):
    record_status(application, "refused", actor="agency:test", message="Нет справки о прописке.")
    response = browser.get(link_issued(application, days_ago=91))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Срок действия ссылки истёк" in page
    assert application.number in page
    assert "a***@e***.ru" in page
    assert ADDRESS not in page
    assert "Отправить новую ссылку" in page
    # The status, its reason and the answers stay behind the new link.
    assert "Нет справки о прописке." not in page
    assert "data-application-status" not in page
    assert "Отказано" not in page
    assert "Маша" not in page
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_lifetime_is_the_setting(application, browser, settings):
    settings.STATUS_LINK_LIFETIME_DAYS = 1
    assert "Срок действия ссылки истёк" in browser.get(link_issued(application, 2)).content.decode()
    settings.STATUS_LINK_LIFETIME_DAYS = 3
    assert browser.get(link_issued(application, 2)).status_code == 200
    assert "data-application-status" in browser.get(link_issued(application, 2)).content.decode()


def test_the_receipt_says_until_when_the_link_works(application, status_service):
    from constructor.applications.drafts import SESSION_KEY

    browser = site_client(status_service)
    session = browser.session
    session[SESSION_KEY] = {str(status_service.pk): str(application.draft.pk)}
    session.save()
    url = reverse("applications:receipt", args=[status_service.slug, application.number])
    page = browser.get(url).content.decode()
    assert_about_ninety_days_from_now(until(page))
    assert "мы отправим её на адрес электронной почты из заявления" in page


def test_status_emails_say_until_when_the_link_works(
    application, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        record_status(application, "accepted", actor="agency:test")
    (mail,) = mailoutbox
    assert_about_ninety_days_from_now(until(mail.body))
    assert LINK.search(mail.body)


# Asking for a new link ---------------------------------------------------------------------


def test_renewal_mails_a_new_link_that_works(application, browser, mailoutbox):
    expired = link_issued(application, days_ago=120)
    response = browser.post(renew_path(expired))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Мы отправили новую ссылку" in page
    assert "a***@e***.ru" in page
    assert ADDRESS not in page
    assert_about_ninety_days_from_now(until(page))
    (mail,) = mailoutbox
    assert mail.to == [ADDRESS]
    assert mail.subject == f"Заявление {application.number}: новая ссылка на страницу заявления"
    assert "«Запись в детский сад»" in mail.body
    assert "Если это были не вы" in mail.body
    assert_about_ninety_days_from_now(until(mail.body))
    new_link = LINK.search(mail.body).group(0)
    assert new_link.startswith("http://kaluga.localhost")
    opened = browser.get(new_link.split("localhost:8000", 1)[1])
    assert opened.status_code == 200
    assert "data-application-status" in opened.content.decode()
    # The old link stays expired: only the mailbox holds a working one.
    assert "Срок действия ссылки истёк" in browser.get(expired).content.decode()


def test_renewal_works_from_the_page_with_csrf_checks(application, status_service, mailoutbox):
    browser = site_client(status_service, enforce_csrf_checks=True)
    expired = link_issued(application, days_ago=100)
    page = browser.get(expired).content.decode()
    action = re.search(r'<form method="post" action="([^"]+)"', page).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert browser.post(action, {"csrfmiddlewaretoken": token}).status_code == 200
    assert len(mailoutbox) == 1
    assert browser.post(action).status_code == 403  # without the form's token
    assert len(mailoutbox) == 1


def test_renewal_is_limited_to_one_mail_in_a_few_minutes(application, browser, mailoutbox):
    expired = renew_path(link_issued(application, days_ago=100))
    assert browser.post(expired).status_code == 200
    again = browser.post(expired)
    assert again.status_code == 429
    page = again.content.decode()
    assert "Новую ссылку уже отправили недавно" in page
    assert "Запросить ещё одну можно через 5 минут." in page
    assert "Срок действия ссылки истёк" in page
    assert len(mailoutbox) == 1
    # Four minutes later: one minute left.
    sent = Application.objects.get(pk=application.pk).status_link_sent_at
    Application.objects.filter(pk=application.pk).update(
        status_link_sent_at=sent - datetime.timedelta(minutes=4)
    )
    assert "можно через 1 минуту." in browser.post(expired).content.decode()
    # Once the interval is over, another link may be asked for.
    Application.objects.filter(pk=application.pk).update(
        status_link_sent_at=sent - datetime.timedelta(minutes=5)
    )
    assert browser.post(expired).status_code == 200
    assert len(mailoutbox) == 2


def test_the_limit_is_per_application(make_application, browser, mailoutbox):
    first, second = make_application(), make_application()
    assert browser.post(renew_path(link_issued(first, 100))).status_code == 200
    assert browser.post(renew_path(link_issued(second, 100))).status_code == 200
    assert len(mailoutbox) == 2


def test_a_mail_outage_is_told_and_the_citizen_may_retry(application, browser, settings):
    with socket.socket() as closed:  # a port nobody listens on: the mail server is down
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    response = browser.post(renew_path(link_issued(application, days_ago=100)))
    assert response.status_code == 503
    assert "Сейчас не получилось отправить письмо" in response.content.decode()
    assert Application.objects.get(pk=application.pk).status_link_sent_at is None


def test_without_an_address_the_page_says_whom_to_ask(make_application, browser, mailoutbox):
    application = make_application({"child_name": "Маша", "contact_email": ""})
    expired = link_issued(application, days_ago=100)
    page = browser.get(expired).content.decode()
    assert "В заявлении нет адреса электронной почты" in page
    assert "Отправить новую ссылку" not in page
    response = browser.post(renew_path(expired))
    assert response.status_code == 200
    assert "В заявлении нет адреса электронной почты" in response.content.decode()
    assert mailoutbox == []


def test_a_fresh_link_needs_no_renewal(application, browser, mailoutbox):
    fresh = status_path(application)
    response = browser.post(renew_path(fresh))
    assert response.status_code == 302
    assert response["Location"] == fresh
    assert mailoutbox == []


def test_renewal_takes_only_post(application, browser, mailoutbox):
    assert browser.get(renew_path(link_issued(application, 100))).status_code == 405
    assert mailoutbox == []


# Links that never worked -------------------------------------------------------------------


def forged_links(application):
    token = link_issued(application, days_ago=100).split("/")[-2]
    other_secret = signing.dumps(
        {"application": str(application.uuid)}, key="another-secret", salt=STATUS_SALT
    )
    resume_salt = signing.dumps(
        {"application": str(application.uuid)}, salt="constructor.applications.resume"
    )
    return [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        other_secret,
        resume_salt,
        "nonsense",
        "a:b:c",
    ]


def test_a_forged_or_altered_link_is_a_friendly_404(application, browser, mailoutbox):
    for token in forged_links(application):
        url = reverse("applications:status", args=[token])
        for response in (browser.get(url), browser.post(renew_path(url))):
            assert response.status_code == 404
            page = response.content.decode()
            assert "Ссылка не работает" in page
            assert "скопировали с ошибкой" in page
            assert application.number not in page
    assert mailoutbox == []


def test_an_expired_link_is_404_on_another_regions_site(application, other_region, mailoutbox):
    site = other_region.home_page.get_site()
    browser = Client(HTTP_HOST=f"{site.hostname}:{site.port}")
    expired = link_issued(application, days_ago=100)
    assert browser.get(expired).status_code == 404
    assert browser.post(renew_path(expired)).status_code == 404
    assert mailoutbox == []


def test_a_link_to_a_removed_application_is_404(application, browser):
    expired = link_issued(application, days_ago=100)
    Application.objects.filter(pk=application.pk).update(
        uuid="00000000-0000-0000-0000-000000000000"
    )
    assert browser.get(expired).status_code == 404


# Hostile input on the renewal --------------------------------------------------------------

HOSTILE_BODIES = [
    {"data": {"email": "attacker@example.com\x00", "application": "1' OR '1'='1"}},
    {"data": {"email": ["a@example.com", "b@example.com"], "x": "\x00" * 1000}},
    {"data": {"csrfmiddlewaretoken": "é" * 100, "huge": "я" * 1_000_000}},
    {"data": '{"email": {"$ne": null}, "nested": [[[[[]]]]]}', "content_type": "application/json"},
    {"data": b"\x00\xff\xfe garbage", "content_type": "application/octet-stream"},
    {"data": "email=%00&email[]=x&email[a]=y", "content_type": "application/x-www-form-urlencoded"},
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_a_hostile_renewal_body_is_ignored(make_application, browser, mailoutbox, body):
    application = make_application()
    response = browser.post(renew_path(link_issued(application, days_ago=100)), **body)
    assert response.status_code == 200
    assert [mail.to for mail in mailoutbox] == [[ADDRESS]]


def test_a_body_over_the_upload_limit_is_400_not_500(application, status_service, mailoutbox):
    browser = site_client(status_service, enforce_csrf_checks=True)
    expired = link_issued(application, days_ago=100)
    page = browser.get(expired).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = browser.post(
        renew_path(expired), {"csrfmiddlewaretoken": token, "huge": "x" * 3_000_000}
    )
    assert response.status_code == 400
    assert mailoutbox == []


@pytest.mark.parametrize(
    "token", ["%00", "\x00", "я" * 500, "A" * 20_000, "..%5C..%5Cadmin", "%3Cscript%3E", "a" * 3]
)
def test_a_hostile_token_is_a_friendly_404(browser, token, mailoutbox):
    for response in (
        browser.get(f"/apply/status/{token}/"),
        browser.post(f"/apply/status/{token}/renew/"),
    ):
        assert response.status_code == 404
        assert "Ссылка не работает" in response.content.decode()
    assert mailoutbox == []


def test_masked_addresses_show_only_first_letters():
    from constructor.applications.notifications import masked_email

    assert masked_email("anna.ivanova@example.ru") == "a***@e***.ru"
    assert masked_email("i@mail.example.com") == "i***@m***.com"
    assert masked_email("root@localhost") == "r***@l***"
