"""Page addresses are the transliterated title, never the service code or Cyrillic."""

from django.conf import settings
from django.urls import reverse

from constructor.formbuilder.keys import slug_from_title
from constructor.registry.models import ServiceStandard
from constructor.services.models import ServicePage

CREATE_URL = "registry_create_from_standard"


def test_wagtail_transliterates_slugs_instead_of_keeping_cyrillic():
    # Read by Wagtail's slug input: the editor's script transliterates the title as it is typed.
    assert settings.WAGTAIL_ALLOW_UNICODE_SLUGS is False


def test_slugs_are_transliterated_titles():
    assert slug_from_title("Единое пособие на ребёнка") == "edinoe-posobie-na-rebenka"
    assert slug_from_title("Подъезд «Ёлка» №5") == "podezd-elka-no5"
    long = slug_from_title("Очень " * 40)
    assert len(long) <= 80 and not long.endswith("-")
    assert slug_from_title("'\"<>\x00") == ""


def test_a_service_page_made_in_code_gets_a_latin_slug(region, category, make_service):
    page = make_service(region, "Охотничий билет", category, "4000000013")
    assert page.slug == "okhotnichiy-bilet"
    twin = make_service(region, "Охотничий билет", category, "4000000014")
    assert twin.slug == "okhotnichiy-bilet-2"


def test_a_service_created_from_a_standard_lives_at_its_transliterated_title(
    client, editor, region, category
):
    standard = ServiceStandard.objects.create(
        code="1000000021",
        level="federal",
        title="Единое пособие на детей",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие.",
        max_processing_days=10,
    )
    client.force_login(editor)
    response = client.post(reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk})
    assert response.status_code == 302
    page = ServicePage.objects.get(service_code="1000000021")
    assert page.slug == "edinoe-posobie-na-detey"
    assert page.url_path.endswith("/edinoe-posobie-na-detey/")
