"""Invariant 7 in the admin: bad input gets a message at the field, and nothing typed is lost.

Wagtail's and Django's own messages are asserted in Russian (LANGUAGE_CODE is "ru").
Our own messages have English msgids until the translation file exists, so for those the
tests check that the right field carries an error and the submitted values come back.
"""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images.models import Image

from constructor.services.models import ServicePage
from sites.models import Region

PAGE_NOT_SAVED = "Страница не может быть сохранена из-за ошибок при проверке."
REQUIRED = "Требуется заполнить это поле."  # Wagtail's wording, for fields and blocks alike


def messages_of(response):
    return [str(message).strip() for message in response.context["messages"]]


def block_errors(form, field_name):
    """The StreamField's nested errors as the editor's JavaScript receives them."""
    return form.errors[field_name].as_data()[0].as_json_data()


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#0d4cd3").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def kaluga_service(region, category, make_service):
    return make_service(region, "Запись ребёнка в детский сад", category, "4000000001")


# (a) a required block field left empty


def test_empty_hero_heading_is_refused_at_the_block_and_keeps_the_typing(
    client, editor, kaluga_service, category, service_page_form_data
):
    client.force_login(editor)
    data = service_page_form_data(
        "Запись в детский сад онлайн",
        "4000000001",
        category,
        slug=kaluga_service.slug,
        hero_heading="",
    )
    # Submitting for review checks the page in full, the way publishing does.
    data["action-submit"] = "action-submit"
    response = client.post(reverse("wagtailadmin_pages:edit", args=[kaluga_service.pk]), data)

    assert response.status_code == 200
    assert PAGE_NOT_SAVED in messages_of(response)
    form = response.context["form"]
    errors = block_errors(form, "body")
    assert errors["blockErrors"][0]["blockErrors"]["heading"] == {"messages": [REQUIRED]}
    # What the official typed is still in the re-rendered editor.
    assert form["title"].value() == "Запись в детский сад онлайн"
    hero = form["body"].value()[0].value
    assert hero["summary"] == "Подайте заявление онлайн и следите за статусом."
    content = response.content.decode()
    assert 'value="Запись в детский сад онлайн"' in content
    # The stream editor is rebuilt from JSON in the page, so the block text is JSON-escaped there.
    assert json.dumps("Подайте заявление онлайн и следите за статусом.")[1:-1] in content
    kaluga_service.refresh_from_db()
    assert kaluga_service.title == "Запись ребёнка в детский сад"


def test_unfinished_draft_with_an_empty_heading_is_kept_but_not_published(
    client, editor, kaluga_service, category, service_page_form_data
):
    # Wagtail defers "required" checks for drafts: half-done work is saved, never shown.
    client.force_login(editor)
    data = service_page_form_data(
        "Запись в детский сад онлайн",
        "4000000001",
        category,
        slug=kaluga_service.slug,
        hero_heading="",
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[kaluga_service.pk]), data)
    assert response.status_code == 302
    kaluga_service.refresh_from_db()
    assert kaluga_service.title == "Запись ребёнка в детский сад"
    draft = kaluga_service.get_latest_revision_as_object()
    assert draft.title == "Запись в детский сад онлайн"
    assert draft.body[0].value["heading"] == ""
    assert kaluga_service.has_unpublished_changes


def test_empty_required_page_field_is_refused_in_russian(
    client, editor, region, category, service_page_form_data
):
    client.force_login(editor)
    data = service_page_form_data("Выдача охотничьего билета", "4000000002", category)
    data["action-submit"] = "action-submit"
    data["agency"] = ""
    url = reverse("wagtailadmin_pages:add", args=["services", "servicepage", region.home_page.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["agency"] == [REQUIRED]
    assert form["title"].value() == "Выдача охотничьего билета"
    assert form["service_code"].value() == "4000000002"
    assert not ServicePage.objects.filter(service_code="4000000002").exists()


# (b) a file that is not an image, (c) an image over the size limit


def test_text_file_uploaded_as_image_is_refused_in_russian(client, editor, region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Схема проезда к МФЦ",
            "file": SimpleUploadedFile("shema.txt", "Не картинка".encode(), "text/plain"),
            "collection": region.collection_id,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [
        "Загрузите правильное изображение. "
        "Файл, который вы загрузили, поврежден или не является изображением."
    ]
    assert "Это изображение не может быть создано из-за ошибок." in messages_of(response)
    assert form["title"].value() == "Схема проезда к МФЦ"
    assert 'value="Схема проезда к МФЦ"' in response.content.decode()
    assert not Image.objects.exists()


def test_file_with_an_image_name_but_other_content_is_refused(client, editor, region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Герб",
            "file": SimpleUploadedFile("gerb.png", b"%PDF-1.4 not an image", "image/png"),
            "collection": region.collection_id,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"]
    assert form["title"].value() == "Герб"
    assert not Image.objects.exists()


def test_image_over_ten_megabytes_is_refused_in_russian(client, editor, region, settings):
    assert settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE == 10 * 1024 * 1024
    client.force_login(editor)
    # A real PNG header and pixels, padded past the limit.
    oversized = png_bytes() + b"\0" * (10 * 1024 * 1024 + 1)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Фото куратора в высоком разрешении",
            "file": SimpleUploadedFile("kurator.png", oversized, "image/png"),
            "collection": region.collection_id,
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["file"] == [
        "Файл слишком большой (10,0\xa0МБ). Максимальный размер файла 10,0\xa0МБ."
    ]
    assert form["title"].value() == "Фото куратора в высоком разрешении"
    assert not Image.objects.exists()


# (d) a duplicate service code in one region


def test_duplicate_service_code_in_one_region_is_refused_at_the_code(
    client, editor, region, kaluga_service, category, service_page_form_data
):
    client.force_login(editor)
    data = service_page_form_data("Запись в детский сад повторно", "4000000001", category)
    url = reverse("wagtailadmin_pages:add", args=["services", "servicepage", region.home_page.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "service_code" in form.errors
    assert kaluga_service.title in str(form.errors["service_code"])
    assert form["title"].value() == "Запись в детский сад повторно"
    assert form["service_code"].value() == "4000000001"
    assert ServicePage.objects.filter(service_code="4000000001").count() == 1


def test_duplicate_code_check_ignores_the_page_itself(
    client, editor, kaluga_service, category, service_page_form_data
):
    client.force_login(editor)
    data = service_page_form_data(
        "Запись в детский сад", "4000000001", category, slug=kaluga_service.slug
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[kaluga_service.pk]), data)
    assert response.status_code == 302


def test_same_service_code_in_another_region_is_fine(
    client, make_user, other_region, kaluga_service, category, service_page_form_data
):
    client.force_login(make_user("tula-editor", other_region.editors))
    data = service_page_form_data("Запись ребёнка в детский сад", "4000000001", category)
    url = reverse(
        "wagtailadmin_pages:add", args=["services", "servicepage", other_region.home_page.pk]
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert ServicePage.objects.filter(service_code="4000000001").count() == 2


# (e) a region address that is not a hostname label


@pytest.mark.parametrize("slug", ["рязань", "-ryazan", "ryazan_oblast", "a" * 64])
def test_bad_region_slug_is_refused_at_the_slug_field(client, federal_admin, slug):
    client.force_login(federal_admin)
    data = {"name": "Рязанская область", "slug": slug, "code": "62"}
    response = client.post(reverse("regions:add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["slug"]
    assert set(form.errors) == {"slug"}
    assert form["name"].value() == "Рязанская область"
    assert form["code"].value() == "62"
    assert 'value="Рязанская область"' in response.content.decode()
    assert not Region.objects.exists()


def test_region_slug_is_normalised_before_checking(client, federal_admin):
    client.force_login(federal_admin)
    data = {"name": "Рязанская область", "slug": " Ryazan ", "code": "62"}
    assert client.post(reverse("regions:add"), data).status_code == 302
    assert Region.objects.get().slug == "ryazan"


def test_taken_region_slug_is_refused_in_russian(client, federal_admin, region):
    client.force_login(federal_admin)
    data = {"name": "Другая Калуга", "slug": region.slug, "code": "99"}
    response = client.post(reverse("regions:add"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "уже существует" in str(errors["slug"])
    assert Region.objects.count() == 1


def test_bad_region_code_is_refused_at_the_code_field(client, federal_admin):
    client.force_login(federal_admin)
    data = {"name": "Рязанская область", "slug": "ryazan", "code": "6A"}
    response = client.post(reverse("regions:add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"code"}
    assert form["slug"].value() == "ryazan"
    assert not Region.objects.exists()
