"""The demo promises only what the product does.

Citizens follow an application by the status link of the receipt and by the e-mails sent when
the agency answers; there is no citizen's cabinet, no reviews or ratings, no SMS or push, no
online payment, no e-signature and no sign-in yet. After ``load_demo`` none of ``PROMISES``
appears in the rendered HTML of any live page (portal, region homes, their categories, service
pages, the first step of every online application), in any registry standard's default
content and reference form, in the defaults and previews of the landing blocks, or in the
Russian translations the product shows.
"""

import gettext
import json
import re
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase
from wagtail.models import Page, Site

from blocks.landing import LandingStreamBlock
from constructor.registry.models import ServiceStandard
from constructor.services.models import ServiceCategory, ServicePage
from sites.models import RegionHomePage

# Phrases that promise a feature the product does not have yet. When the feature lands,
# remove its entry here, and let the pages say what it does.
PROMISES = [
    (r"личн\w*\s+кабинет", "a citizen's cabinet"),
    (r"учётн\w*\s+запис", "citizens' accounts and sign-in"),
    (r"\bвойдите\b|\bавторизу", "citizens' sign-in"),
    (r"\bотзыв(ы|ов|ам|ами|ах)\b|оставьте\s+отзыв", "reviews of a service"),
    (r"\bоцени(те|ть)\b|оценк\w*\s+услуг", "rating a service"),
    (r"\bSMS\b|\bСМС\b|смс-", "SMS notifications"),
    (r"\bpush\b|пуш-", "push notifications"),
    (r"напомина(ние|ния|нием|ем|ть)", "reminders"),
    (
        r"оплат\w*\s+(онлайн|на\s+портале|на\s+сайте|картой)|онлайн-оплат",
        "online payment",
    ),
    (r"подпиш\w*[^.]{0,40}электронн\w*\s+подпис", "signing with an e-signature"),
    (r"через\s+(портал\s+)?Госуслуг|на\s+Госуслугах", "the federal Gosuslugi portal"),
    (r"мобильн\w*\s+приложени", "a mobile app"),
    (r"чат-бот|онлайн-чат", "a chat"),
]
PATTERNS = [(re.compile(pattern, re.IGNORECASE), feature) for pattern, feature in PROMISES]


def load_demo():
    call_command("load_demo", stdout=StringIO())


def broken_promises(text):
    found = []
    for pattern, feature in PATTERNS:
        for match in pattern.finditer(text):
            start, end = max(match.start() - 60, 0), match.end() + 60
            found.append(f"{feature}: …{text[start:end]}…")
    return found


def as_text(stream):
    return json.dumps(list(stream.raw_data), ensure_ascii=False)


class DemoPromisesTests(TestCase):
    """One loaded demo, shared by the class and rolled back at the end."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def get(self, page, path=""):
        site_id, _root_url, page_path = page.get_url_parts()
        response = self.client.get(
            page_path + path, HTTP_HOST=Site.objects.get(pk=site_id).hostname, follow=True
        )
        assert response.status_code == 200, (page_path + path, response.status_code)
        return response.content.decode()

    def test_the_list_catches_what_it_is_for(self):
        assert broken_promises("Решение придёт в личный кабинет.")
        assert broken_promises("Куратор читает все отзывы о ней.")
        assert not broken_promises("Статус виден по ссылке из квитанции; письмо придёт на почту.")

    def test_no_live_page_promises_a_missing_feature(self):
        pages = Page.objects.live().filter(depth__gt=1).specific()
        assert pages.count() > 15
        categories = list(ServiceCategory.objects.values_list("slug", flat=True))
        found = []
        for page in pages:
            htmls = [self.get(page)]
            if isinstance(page, RegionHomePage):
                htmls += [self.get(page, f"category/{slug}/") for slug in categories]
            found += [
                f"{page.url_path}: {problem}" for html in htmls for problem in broken_promises(html)
            ]
        assert found == []

    def test_no_online_application_promises_a_missing_feature(self):
        services = ServicePage.objects.live()
        found = []
        for service in services:
            assert service.application_form.raw_data, service.url_path
            home = service.get_parent().specific
            site = Site.objects.get(root_page=home)
            first_step = self.client.get(
                f"/apply/{service.slug}/", HTTP_HOST=site.hostname, follow=True
            )
            assert first_step.status_code == 200
            texts = [first_step.content.decode(), as_text(service.application_form)]
            found += [f"{service.url_path}: {p}" for text in texts for p in broken_promises(text)]
        assert found == []

    def test_no_standard_hands_out_a_promise_of_a_missing_feature(self):
        found = []
        for standard in ServiceStandard.objects.all():
            text = " ".join(
                [
                    standard.title,
                    standard.summary,
                    as_text(standard.default_body),
                    as_text(standard.application_form),
                    as_text(standard.payload_mapping),
                ]
            )
            found += [f"{standard.code}: {problem}" for problem in broken_promises(text)]
        assert found == []

    def test_block_defaults_and_previews_promise_nothing_missing(self):
        found = []
        for name, block in LandingStreamBlock().child_blocks.items():
            default = block.get_prep_value(block.get_default())
            preview = getattr(block.meta, "preview_value", None)
            text = json.dumps([default, preview], ensure_ascii=False, default=str)
            found += [f"{name}: {problem}" for problem in broken_promises(text)]
        assert found == []

    def test_the_russian_translations_promise_nothing_missing(self):
        catalog = Path(settings.BASE_DIR) / "constructor/locale/ru/LC_MESSAGES/django.mo"
        with catalog.open("rb") as file:
            messages = gettext.GNUTranslations(file)._catalog
        found = []
        for msgid, msgstr in messages.items():
            found += [f"{msgid!r}: {problem}" for problem in broken_promises(str(msgstr))]
        assert found == []
