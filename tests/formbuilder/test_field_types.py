"""Every field type: good answers pass and bad ones fail, in the step form AND the schema."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict

from constructor.formbuilder.forms import build_step_form
from constructor.formbuilder.types import field_types
from constructor.formbuilder.validation import make_validator, schema_errors
from tests.formbuilder.helpers import compiled, field, options, step, wizard_accepts
from tests.formbuilder.samples import pdf

TODAY = datetime.date.today()
TOMORROW = (TODAY + datetime.timedelta(days=1)).isoformat()
# The start of a Windows program (an "MZ" header with its PE signature).
EXECUTABLE = b"MZ\x90\x00\x03" + b"\x00" * 59 + b"PE\x00\x00" + b"\x00" * 200
PDF = pdf()
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)

FIELDS = {
    "text": field("text", "v", max_length=10),
    "textarea": field("textarea", "v", max_length=20),
    "number": field("number", "v", kind="integer", min_value=1, max_value=10),
    "decimal": field("number", "v", kind="decimal", min_value=0.5, max_value=99.5),
    "date": field("date", "v", relative="not_future", min_date=datetime.date(1900, 1, 1)),
    "adult": field("date", "v", min_age=18),
    "radio": field("choice", "v", widget="radio", choices=options("a", "b")),
    "checkboxes": field("choice", "v", widget="checkboxes", choices=options("a", "b", "c")),
    "yes_no": field("yes_no", "v"),
    "email": field("email", "v"),
    "phone": field("phone", "v"),
    "snils": field("snils", "v"),
    "inn": field("inn", "v", kind="individual"),
    "ogrn": field("ogrn", "v"),
    "passport": field("passport", "v"),
    "full_name": field("full_name", "v"),
    "address": field("address", "v"),
    "cadastral_number": field("cadastral_number", "v"),
    "bank_account": field("bank_account", "v"),
    "short_email": field("email", "v", max_length=20),
    "consent": field("consent", "v", text="Согласен на обработку персональных данных"),
    "group": field(
        "group",
        "v",
        min_items=1,
        max_items=2,
        fields=[field("text", "name"), field("date", "born", required=False)],
    ),
}

PASSPORT = {
    "series": "4508",
    "number": "123456",
    "issue_date": "2015-03-01",
    "issuer_code": "770-001",
}
ADDRESS = {
    "postcode": "248000",
    "region": "Калужская область",
    "locality": "Калуга",
    "street": "улица Ленина",
    "house": "1",
}

VALID = [
    ("text", "Иванов <b>"),
    ("textarea", "Две\nстроки"),
    ("number", 10),
    ("decimal", 12.25),
    ("date", "2000-02-29"),
    ("adult", "1990-01-01"),
    ("radio", "b"),
    ("checkboxes", ["a", "c"]),
    ("yes_no", False),
    ("email", "ivanov@example.ru"),
    ("phone", "+79123456789"),
    ("snils", "11223344595"),
    ("inn", "500100732259"),
    ("ogrn", "1027700132195"),
    ("passport", PASSPORT),
    (
        "full_name",
        {"surname": "Салтыков-Щедрин", "given_name": "Михаил", "patronymic": "Евграфович"},
    ),
    ("address", ADDRESS),
    ("cadastral_number", "71:30:030217:123"),
    ("cadastral_number", "50:21:0110114:2018"),
    ("bank_account", {"bik": "044525225", "account": "40817810938160925982"}),
    ("short_email", "ivanov@example.ru"),
    ("consent", True),
    ("group", [{"name": "Петя", "born": "2015-05-05"}, {"name": "Маша"}]),
]

INVALID = [
    ("text", "слишком длинный текст"),
    ("text", "  пробелы"),
    ("text", "управ\x07ление"),
    ("textarea", "нулевой\x00символ"),
    ("number", 11),
    ("number", 0),
    ("number", 2.5),
    ("decimal", 0.25),
    ("decimal", 1.125),
    ("date", TOMORROW),
    ("date", "1899-12-31"),
    ("date", "2023-02-30"),
    ("date", "20230101"),
    ("adult", (TODAY.replace(year=TODAY.year - 17)).isoformat()),
    ("radio", "z"),
    ("checkboxes", ["a", "z"]),
    ("checkboxes", []),
    ("email", "not-an-email"),
    ("phone", "8 (912) 345-67-89"),
    ("phone", "+7912345678"),
    ("snils", "11223344596"),
    ("snils", "112-233-445 95"),
    ("inn", "500100732258"),
    ("inn", "7707083893"),
    ("ogrn", "1027700132196"),
    ("passport", {**PASSPORT, "issue_date": TOMORROW}),
    ("passport", {**PASSPORT, "issuer_code": "770001"}),
    ("passport", {**PASSPORT, "series": "45O8"}),
    ("full_name", {"surname": "Smith", "given_name": "John"}),
    ("full_name", {"surname": "Иванов"}),
    ("address", {**ADDRESS, "postcode": "24800"}),
    ("cadastral_number", "71:30:30217:123"),
    ("cadastral_number", "71-30-030217-123"),
    ("cadastral_number", "71 30 030217 123"),
    ("bank_account", {"bik": "04452522", "account": "40817810938160925982"}),
    ("bank_account", {"bik": "044525225", "account": "4081781093816092598"}),
    ("bank_account", {"bik": "044525225"}),
    ("bank_account", {"bik": "044525225", "account": "40817810938160925983"}),
    ("short_email", "ivan.ivanovich.ivanov@example.ru"),
    ("consent", False),
    ("group", [{"name": "Петя"}, {"name": "Маша"}, {"name": "Ваня"}]),
    ("group", [{"born": "2015-05-05"}]),
    ("group", []),
]


def one_field_schema(name):
    return compiled(step("main", FIELDS[name]))


@pytest.mark.parametrize(
    ("name", "answer"), VALID, ids=[f"{n}-{i}" for i, (n, _a) in enumerate(VALID)]
)
def test_valid_answer_passes_both(name, answer):
    schema = one_field_schema(name)
    accepted, collected, errors = wizard_accepts(schema, {"v": answer})
    assert accepted, (collected, errors)
    assert schema_errors(make_validator(schema["json_schema"]), {"v": answer}) == []


@pytest.mark.parametrize(
    ("name", "answer"), INVALID, ids=[f"{n}-{i}" for i, (n, _a) in enumerate(INVALID)]
)
def test_invalid_answer_fails_both(name, answer):
    schema = one_field_schema(name)
    accepted, _collected, _errors = wizard_accepts(schema, {"v": answer})
    assert not accepted
    assert schema_errors(make_validator(schema["json_schema"]), {"v": answer})


def test_every_registered_type_is_covered():
    covered = {FIELDS[name]["type"] for name, _answer in VALID} | {"file", "info"}
    assert covered == set(field_types())


def test_field_messages_say_what_to_fix():
    schema = one_field_schema("snils")
    form = build_step_form(schema["layout"]["steps"][0], {})(data={"v": "112-233-445 96"})
    assert not form.is_valid()
    assert "check number does not match" in form.errors["v"][0]
    problems = schema_errors(make_validator(schema["json_schema"]), {"v": "11223344596"})
    assert problems == [("/v", form.errors["v"][0])]


def test_step_form_normalises_what_people_type():
    schema = compiled(step("main", FIELDS["phone"], field("snils", "s"), field("address", "a")))
    form = build_step_form(schema["layout"]["steps"][0], {})(
        data={
            "v": "8 (912) 345-67-89",
            "s": "112-233-445 95",
            **{f"a_{part}": value for part, value in ADDRESS.items()},
            "a_postcode": "248 000",
        }
    )
    assert form.is_valid(), form.errors
    assert form.answers() == {"v": "+79123456789", "s": "11223344595", "a": ADDRESS}


def test_script_in_text_is_kept_as_text_and_rendered_escaped():
    script = "<script>alert(1)</script>"
    schema = compiled(step("main", field("text", "v", max_length=100)))
    form = build_step_form(schema["layout"]["steps"][0], {})(data={"v": script})
    assert form.is_valid()
    assert form.answers() == {"v": script}
    html = str(form["v"])
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def file_form(**options):
    schema = compiled(
        step(
            "main", field("file", "v", allowed_types=["pdf"], max_size_mb=1, max_files=2, **options)
        )
    )
    return schema, build_step_form(schema["layout"]["steps"][0], {})


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([upload("scan.pdf", PNG)], "does not match its extension"),
        ([upload("scan.PDF", EXECUTABLE, "application/pdf")], "does not match its extension"),
        ([upload("scan.pdf", b"just some text, no PDF at all")], "does not match its extension"),
        ([upload("photo.png", PNG, "image/png")], "not one of the allowed types"),
        ([upload("setup.exe", EXECUTABLE, "application/pdf")], "not one of the allowed types"),
        ([upload("scan", PDF)], "not one of the allowed types"),
        ([upload("big.pdf", PDF + b"0" * (1024 * 1024))], "larger than 1 MB"),
        ([upload("empty.pdf", b"")], "empty"),
        ([upload(f"{n}.pdf", PDF) for n in "abc"], "no more than 2 files"),
    ],
)
def test_bad_uploads_are_rejected(files, message):
    _schema, form_class = file_form()
    form = form_class(data={}, files=MultiValueDict({"v": files}))
    assert not form.is_valid()
    assert message in form.errors["v"][0]


def test_good_upload_becomes_a_file_answer_the_schema_accepts():
    schema, form_class = file_form()
    form = form_class(data={}, files=MultiValueDict({"v": [upload("scan.pdf", PDF)]}))
    assert form.is_valid(), form.errors
    answer = form.answers()["v"]
    assert answer[0]["name"] == "scan.pdf"
    assert answer[0]["content_type"] == "application/pdf"
    assert answer[0]["size"] == len(PDF)
    assert schema_errors(make_validator(schema["json_schema"]), {"v": answer}) == []
    # Coming back to the step without a new upload keeps the files already given.
    kept = build_step_form(schema["layout"]["steps"][0], {"v": answer})(data={}, files={})
    assert kept.is_valid(), kept.errors
    assert kept.answers() == {"v": answer}
