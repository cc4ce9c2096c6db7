"""A published service with a five-step form: a condition, a repeatable group and a file."""

import io

import pytest
from django.test import Client
from PIL import Image


def field(kind, key, label, *, required=True, condition=None, **options):
    return {
        "type": kind,
        "value": {
            "key": key,
            "label": label,
            "hint": "",
            "required": required,
            "condition": condition or {"field": "", "operator": "equals", "value": ""},
            **options,
        },
    }


def step(key, title, fields, condition=None):
    return {
        "type": "step",
        "value": {
            "key": key,
            "title": title,
            "intro": "",
            "condition": condition or {"field": "", "operator": "equals", "value": ""},
            "fields": fields,
        },
    }


FIVE_STEP_FORM = [
    step(
        "applicant",
        "Сведения о заявителе",
        [
            field("full_name", "applicant_name", "Ваши фамилия, имя и отчество"),
            field("snils", "snils", "СНИЛС"),
            field("yes_no", "has_children", "Есть ли у вас дети до 18 лет?"),
        ],
    ),
    step(
        "children",
        "Дети",
        [
            field(
                "group",
                "children",
                "Сведения о детях",
                min_items=1,
                max_items=3,
                fields=[
                    field("text", "child_name", "Имя ребёнка", max_length=None),
                    field("date", "child_birth", "Дата рождения", relative="not_future"),
                ],
            )
        ],
        condition={"field": "has_children", "operator": "is_true", "value": ""},
    ),
    step(
        "contacts",
        "Контакты",
        [
            field("phone", "phone", "Номер телефона"),
            field("email", "email", "Электронная почта", required=False),
        ],
    ),
    step(
        "documents",
        "Документы",
        [
            field(
                "file",
                "passport_scan",
                "Скан паспорта",
                allowed_types=["pdf", "png"],
                max_size_mb=1,
                max_files=2,
            ),
            field(
                "choice",
                "delivery",
                "Как получить результат?",
                widget="radio",
                choices=[
                    {"code": "post", "label": "Почтой"},
                    {"code": "office", "label": "В МФЦ"},
                ],
            ),
        ],
    ),
    step(
        "consent",
        "Согласие",
        [
            field(
                "consent",
                "pd_consent",
                "Я согласен на обработку персональных данных",
                text="Согласие на обработку персональных данных по 152-ФЗ.",
            )
        ],
    ),
]

VALID_STEPS = {
    "applicant": {
        "applicant-applicant_name_surname": "Иванова",
        "applicant-applicant_name_given_name": "Анна",
        "applicant-applicant_name_patronymic": "Сергеевна",
        "applicant-snils": "112-233-445 95",
        "applicant-has_children": "yes",
    },
    "children": {
        "children-children-0-child_name": "Маша",
        "children-children-0-child_birth": "2019-05-01",
    },
    "contacts": {"contacts-phone": "8 (910) 123-45-67", "contacts-email": ""},
    "documents": {"documents-delivery": "office"},
    "consent": {"consent-pd_consent": "on"},
}


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def form_service(region, category, make_service):
    service = make_service(region, "Запись в детский сад", category, "4000000012", live=False)
    service.application_form = FIVE_STEP_FORM
    service.save_revision().publish()
    service.refresh_from_db()
    return service


@pytest.fixture
def citizen_factory(form_service):
    """Makes browsers on the region's site, each with its own session and draft."""
    site = form_service.get_site()

    def make():
        return Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), form_service)

    return make


@pytest.fixture
def citizen(citizen_factory):
    return citizen_factory()


class Citizen:
    def __init__(self, client, service):
        self.client = client
        self.service = service
        self.base = f"/apply/{service.slug}/"

    def step_url(self, key):
        return f"{self.base}step/{key}/"

    def start(self):
        return self.client.get(self.base)

    def post_step(self, key, data, files=None, **extra):
        payload = {"wizard-current_step": key, **data, **(files or {})}
        return self.client.post(self.step_url(key), payload, **extra)

    def fill_all(self, skip=()):
        from django.core.files.uploadedfile import SimpleUploadedFile

        self.start()
        for key, data in VALID_STEPS.items():
            if key in skip:
                continue
            files = {}
            if key == "documents":
                files = {
                    "documents-passport_scan": SimpleUploadedFile(
                        "паспорт.png", png_bytes(), content_type="image/png"
                    )
                }
            response = self.post_step(key, data, files)
            assert response.status_code == 302, response.content.decode()[:2000]
        return response

    def draft(self):
        """This browser's stored draft; None before the citizen has sent a page."""
        from constructor.applications.drafts import SESSION_KEY
        from constructor.applications.models import ApplicationDraft

        draft_id = self.client.session.get(SESSION_KEY, {}).get(str(self.service.pk))
        return ApplicationDraft.objects.get(pk=draft_id) if draft_id else None

    def filled_draft(self):
        self.fill_all()
        return self.draft()
