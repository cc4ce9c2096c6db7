"""Every field type in the wizard: a wrong answer is named next to the field and in the error
summary at the top; a right one is kept when the citizen comes back, checkboxes included."""

import datetime
import re

import pytest
from django.test import Client

from tests.applications.conftest import Citizen
from tests.formbuilder.helpers import field, info, options, step

TOMORROW = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()

FORM = [
    step(
        "all",
        info("Заполните все поля."),
        field("text", "text", "Текст", max_length=10),
        field("textarea", "textarea", "Длинный текст", max_length=20),
        field("number", "number", "Число", kind="integer", min_value=1, max_value=10),
        field("date", "date", "Дата", relative="not_future"),
        field("date", "birth", "Дата рождения", min_age=18),
        field("choice", "radio", "Радио", widget="radio", choices=options("a", "b")),
        field("choice", "select", "Список", widget="select", choices=options("a", "b")),
        field("choice", "boxes", "Флажки", widget="checkboxes", choices=options("a", "b", "c")),
        field("yes_no", "yes_no", "Да или нет"),
        field("email", "email", "Почта"),
        field("phone", "phone", "Телефон"),
        field("snils", "snils", "СНИЛС"),
        field("inn", "inn", "ИНН", kind="individual"),
        field("ogrn", "ogrn", "ОГРН"),
        field("passport", "passport", "Паспорт"),
        field("full_name", "full_name", "ФИО"),
        field("address", "address", "Адрес"),
        field("consent", "consent", "Согласие", text="Согласен на обработку данных."),
        field(
            "group",
            "group",
            "Дети",
            min_items=1,
            max_items=3,
            fields=[field("full_name", "child", "ФИО ребёнка"), field("date", "born", "Родился")],
        ),
    ),
    step("last", field("text", "last", "Последний вопрос", max_length=None)),
]

GOOD = {
    "all-text": "Иванов",
    "all-textarea": "Две строки",
    "all-number": "7",
    "all-date": "2020-02-29",
    "all-birth": "1990-01-01",
    "all-radio": "b",
    "all-select": "b",
    "all-boxes": ["a", "c"],
    "all-yes_no": "no",
    "all-email": "ivanov@example.ru",
    "all-phone": "8 (912) 345-67-89",
    "all-snils": "112-233-445 95",
    "all-inn": "500100732259",
    "all-ogrn": "1027700132195",
    "all-passport_series": "4508",
    "all-passport_number": "123456",
    "all-passport_issue_date": "2015-03-01",
    "all-passport_issuer_code": "770-001",
    "all-full_name_surname": "Салтыков-Щедрин",
    "all-full_name_given_name": "Михаил",
    "all-address_postcode": "248000",
    "all-address_region": "Калужская область",
    "all-address_locality": "Калуга",
    "all-address_street": "улица Ленина",
    "all-address_house": "1",
    "all-consent": "on",
    "all-group-0-child_surname": "Иванова",
    "all-group-0-child_given_name": "Маша",
    "all-group-0-born": "2019-05-01",
    "all-group-1-child_surname": "Иванов",
    "all-group-1-child_given_name": "Петя",
    "all-group-1-born": "2020-06-02",
}

BAD = {
    "all-text": "слишком длинный текст",
    "all-textarea": "очень длинный текст, больше двадцати",
    "all-number": "11",
    "all-date": TOMORROW,
    "all-birth": datetime.date.today().replace(year=2020).isoformat(),
    "all-radio": "z",
    "all-select": "z",
    "all-boxes": ["a", "z"],
    "all-yes_no": "maybe",
    "all-email": "anna@",
    "all-phone": "12345",
    "all-snils": "112-233-445 96",
    "all-inn": "500100732258",
    "all-ogrn": "1027700132196",
    "all-passport_series": "45O8",
    "all-passport_number": "123456",
    "all-passport_issue_date": TOMORROW,
    "all-passport_issuer_code": "770001",
    "all-full_name_surname": "Smith",
    "all-full_name_given_name": "John",
    "all-address_postcode": "24800",
    "all-address_region": "Калужская область",
    "all-address_locality": "Калуга",
    "all-address_street": "улица Ленина",
    "all-address_house": "1",
    "all-group-0-child_surname": "Smith",
    "all-group-0-child_given_name": "Маша",
    "all-group-0-born": "2019-02-30",
}

# Where the error summary's link for each question lands: its first input.
ANCHORS = {
    "radio": "id_all-radio_0",
    "boxes": "id_all-boxes_0",
    "yes_no": "id_all-yes_no_0",
    "passport": "id_all-passport_series",
    "full_name": "id_all-full_name_surname",
    "address": "id_all-address_postcode",
    "group": "id_all-group-0-child_surname",
}
QUESTIONS = [item["value"]["key"] for item in FORM[0]["value"]["fields"] if item["type"] != "info"]


@pytest.fixture
def citizen(region, category, make_service):
    service = make_service(region, "Проверка всех полей", category, "4000000031", live=False)
    service.application_form = FORM
    service.save_revision().publish()
    service.refresh_from_db()
    site = service.get_site()
    citizen = Citizen(Client(HTTP_HOST=f"{site.hostname}:{site.port}"), service)
    citizen.start()
    return citizen


def test_every_wrong_answer_is_named_at_its_field_and_in_the_summary(citizen):
    response = citizen.post_step("all", BAD)
    assert response.status_code == 200
    page = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S).group(0)
    errors = response.context["form"].errors
    for key in QUESTIONS:
        assert key in errors, key
        anchor = ANCHORS.get(key, f"id_all-{key}")
        assert f'href="#{anchor}"' in summary, key
        assert f'id="{anchor}"' in page, key
        # The message itself sits next to the field, tied to it for screen readers.
        assert f'id="id_all-{key}-error"' in page, key
        for message in errors[key]:
            assert re.search("[А-Яа-яЁё]", str(message)), (key, message)  # in Russian
            assert str(message).split(":")[0] in page
    # What was typed is shown again to be corrected, and nothing is saved.
    assert 'value="Smith"' in page and 'value="anna@"' in page
    assert citizen.draft().open_answers()["step_data"].get("all") is None


def test_back_and_next_keep_every_answer(citizen):
    assert citizen.post_step("all", GOOD).status_code == 302
    page = citizen.client.get(citizen.step_url("all")).content.decode()
    for name, value in GOOD.items():
        if name in ("all-radio", "all-boxes", "all-yes_no", "all-select", "all-consent"):
            continue
        shown = f">\n{value}</textarea>" if name == "all-textarea" else f'value="{value}"'
        assert shown in page, name
    assert re.search(r'value="b"[^>]*id="id_all-radio_1"[^>]*checked', page)
    assert re.search(r'<option value="b"[^>]*selected', page)
    checked = re.findall(r'name="all-boxes" value="(\w)"[^>]*checked', page)
    assert checked == ["a", "c"]
    assert re.search(r'name="all-yes_no" value="no"[^>]*checked', page)
    assert re.search(r'name="all-consent"[^>]*checked', page)
    # Next, then back again: still all there, and the summary reads them out.
    assert citizen.post_step("all", GOOD).status_code == 302
    assert citizen.post_step("last", {"last-last": "Всё"}).status_code == 302
    check = citizen.client.get(citizen.base + "check/").content.decode()
    for shown in ("Салтыков-Щедрин Михаил", "A, C", "Иванова Маша", "Петя", "+79123456789"):
        assert shown in check, shown
