"""Officials see only their region's applications; every read of answers is logged."""

import csv
import io

import pytest
from django.urls import reverse
from PIL import Image

from constructor.applications.models import AnswerAccess, Application
from constructor.applications.submission import submit_draft


@pytest.fixture
def application(citizen):
    return submit_draft(citizen.filled_draft())


def test_official_lists_and_reads_their_regions_application(client, editor, application):
    client.force_login(editor)
    listing = client.get(reverse("applications_admin_index"))
    assert application.number in listing.content.decode()
    detail = client.get(reverse("applications_admin_detail", args=[application.number]))
    page = detail.content.decode()
    assert "Ваши фамилия, имя и отчество" in page
    assert "Иванова Анна Сергеевна" in page
    assert "+79101234567" in page
    access = AnswerAccess.objects.get()
    assert (access.user, access.application, access.kind) == (editor, application, "view")


def test_official_of_another_region_sees_nothing(client, other_editor, other_region, application):
    client.force_login(other_editor)
    listing = client.get(reverse("applications_admin_index"))
    assert application.number not in listing.content.decode()
    detail = client.get(reverse("applications_admin_detail", args=[application.number]))
    assert detail.status_code == 404
    export = client.get(reverse("applications_admin_export"))
    assert application.number not in export.content.decode("utf-8-sig")
    assert not AnswerAccess.objects.exists()


def test_federal_admin_sees_every_region(client, federal_admin, application):
    client.force_login(federal_admin)
    listing = client.get(reverse("applications_admin_index"))
    assert application.number in listing.content.decode()


def test_filters_by_service_status_and_date(client, editor, application):
    client.force_login(editor)
    url = reverse("applications_admin_index")
    day = application.submitted_at.date().isoformat()
    shown = client.get(
        url, {"service": application.page_id, "status": "submitted", "submitted_from": day}
    )
    assert application.number in shown.content.decode()
    for query in ({"status": "refused"}, {"submitted_to": "2000-01-01"}):
        assert application.number not in client.get(url, query).content.decode()


def test_csv_export_opens_in_excel_with_cyrillic_and_is_logged(client, editor, application):
    client.force_login(editor)
    response = client.get(reverse("applications_admin_export"))
    assert response["Content-Type"].startswith("text/csv")
    body = response.content
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    assert row[0] == application.number
    assert row[1] == "Запись в детский сад"
    assert row[header.index("СНИЛС")] == "11223344595"
    assert row[header.index("Сведения о детях")].startswith("1. Имя ребёнка: Маша")
    assert AnswerAccess.objects.filter(kind="export", user=editor).count() == 1


def test_citizens_without_a_region_cannot_open_the_list(client, make_user, application):
    client.force_login(make_user("stranger"))
    response = client.get(reverse("applications_admin_index"))
    assert response.status_code in (302, 403)
    assert Application.objects.count() == 1


def test_official_downloads_an_uploaded_file_and_it_is_logged(client, editor, application):
    from tests.applications.conftest import png_bytes

    client.force_login(editor)
    detail = client.get(reverse("applications_admin_detail", args=[application.number]))
    record = application.draft.files.get()
    url = reverse("applications_admin_file", args=[application.number, record.id])
    assert url in detail.content.decode()
    before = AnswerAccess.objects.filter(application=application).count()
    response = client.get(url)
    assert response.status_code == 200
    # The file as stored: the uploaded picture's pixels, encoded again without anything else.
    downloaded = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert downloaded.tobytes() == Image.open(io.BytesIO(png_bytes())).tobytes()
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"]
    assert AnswerAccess.objects.filter(application=application).count() == before + 1


def test_files_are_not_served_to_other_regions_or_by_guessing(
    client, other_editor, editor, make_user, application
):
    record = application.draft.files.get()
    url = reverse("applications_admin_file", args=[application.number, record.id])
    client.force_login(other_editor)
    assert client.get(url).status_code == 404
    client.force_login(make_user("citizen"))
    assert client.get(url).status_code in (302, 403)
    client.force_login(editor)
    other_id = "00000000-0000-0000-0000-000000000000"
    wrong = reverse("applications_admin_file", args=[application.number, other_id])
    assert client.get(wrong).status_code == 404
    assert not AnswerAccess.objects.filter(user=editor).exists()
