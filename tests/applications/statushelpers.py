"""Shared fixtures for the status tests: a live service with an integration and applications.

Applications are built directly (``store_application``) so these tests depend on no wizard.
"""

import json
import time

import pytest
from django.db import transaction

SECRET = "callback-secret-kaluga"
OTHER_SECRET = "callback-secret-tula"

SHORT_FORM = [
    {
        "type": "step",
        "value": {
            "key": "applicant",
            "title": "Сведения о заявителе",
            "intro": "",
            "condition": {"field": "", "operator": "equals", "value": ""},
            "fields": [
                {
                    "type": kind,
                    "value": {
                        "key": key,
                        "label": label,
                        "hint": "",
                        "required": False,
                        "condition": {"field": "", "operator": "equals", "value": ""},
                    },
                }
                for kind, key, label in [
                    ("text", "child_name", "Имя ребёнка"),
                    ("email", "contact_email", "Электронная почта"),
                    ("email", "spare_email", "Запасная почта"),
                ]
            ],
        },
    }
]

AGENCY_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"number": {"type": "string"}},
}


def make_integration(code, secret, name="Министерство образования Калужской области"):
    from constructor.integrations.models import Agency, Integration, default_endpoint_url

    agency, _ = Agency.objects.get_or_create(
        code=f"agency-{code}", defaults={"name": name, "short_name": name[:20]}
    )
    return Integration.objects.create(
        agency=agency,
        name=f"Запись в детский сад ({code})",
        code=code,
        endpoint_url=default_endpoint_url(code),
        payload_schema=AGENCY_SCHEMA,
        hmac_secret=secret,
    )


@pytest.fixture
def integration(db):
    return make_integration("kaluga-kindergarten", SECRET)


@pytest.fixture
def other_integration(db):
    return make_integration("tula-kindergarten", OTHER_SECRET, name="Минобразования Тульской")


@pytest.fixture
def status_service(region, category, make_service, integration):
    service = make_service(region, "Запись в детский сад", category, "4000000077", live=False)
    service.application_form = SHORT_FORM
    service.integration = integration
    service.save_revision().publish()
    service.refresh_from_db()
    return service


@pytest.fixture
def make_application(status_service, region):
    """Stores a submitted application for the service with the given answers."""
    from constructor.applications.models import ApplicationDraft
    from constructor.applications.submission import store_application
    from constructor.formbuilder.models import live_form_version

    def make(answers=None, service=None):
        service = service or status_service
        version = live_form_version(service)
        draft = ApplicationDraft(page=service, form_version=version, region=region)
        draft.seal_answers({})
        draft.save()
        if answers is None:
            answers = {"child_name": "Маша", "contact_email": "anna.ivanova@example.ru"}
        with transaction.atomic():
            return store_application(draft, answers, region)

    return make


def signed_headers(secret, body, timestamp=None, number=""):
    from constructor.integrations import signing

    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "HTTP_X_TIMESTAMP": timestamp,
        "HTTP_X_SIGNATURE": signing.signature(secret, body, timestamp, number),
    }


def post_status(client, number, data, secret=SECRET, timestamp=None, headers=None):
    body = json.dumps(data, ensure_ascii=False).encode() if not isinstance(data, bytes) else data
    extra = signed_headers(secret, body, timestamp, number) if headers is None else headers
    return client.post(
        f"/api/v1/applications/{number}/status",
        data=body,
        content_type="application/json",
        **extra,
    )


def wait_for(condition, timeout=20.0, interval=0.05):
    """Poll ``condition`` until it is truthy or the deadline passes; returns its last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
