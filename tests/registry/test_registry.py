"""The federal registry: code validation, who may change it, and "create from standard".

Everything goes through the admin's real URLs as real users in the groups the project makes.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from constructor.registry.groups import FEDERAL_ADMINS_GROUP, ensure_federal_admins
from constructor.registry.models import LifeSituation, ServiceStandard
from constructor.services.models import ServicePage

ADD_URL = "wagtailsnippets_registry_servicestandard:add"
EDIT_URL = "wagtailsnippets_registry_servicestandard:edit"
LIST_URL = "wagtailsnippets_registry_servicestandard:list"
CREATE_URL = "registry_create_from_standard"


def entry_data(category, **overrides):
    data = nested_form_data(
        {
            "default_body": streamfield(
                [("hero", {"heading": "Пособие", "summary": "Онлайн.", "cta_label": "Подать"})]
            ),
            "application_form": streamfield([]),
        }
    )
    data.update(
        {
            "code": "1000000022",
            "level": "federal",
            "region": "",
            "title": "Единовременное пособие при рождении ребёнка",
            "agency": "Социальный фонд России",
            "category": category.pk,
            "summary": "Пособие при рождении ребёнка.",
            "max_processing_days": "10",
            "mandatory_blocks": ["hero", "timelines"],
        }
    )
    data.update(overrides)
    return data


@pytest.fixture
def federal_member(make_user):
    return make_user("federal-reviewer", ensure_federal_admins())


@pytest.fixture
def standard(category):
    return ServiceStandard.objects.create(
        code="1000000022",
        level="federal",
        title="Единовременное пособие при рождении ребёнка",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие при рождении ребёнка.",
        max_processing_days=10,
        mandatory_blocks=["hero", "timelines"],
        default_body=[
            {"type": "hero", "value": {"heading": "Пособие", "summary": "Подайте онлайн."}},
            {
                "type": "timelines",
                "value": {
                    "heading": "Сроки",
                    "deadlines": [{"stage": "Назначение", "days": 10, "day_kind": "working"}],
                },
            },
        ],
    )


def test_federal_admins_group_exists_after_migrate_and_setup_is_idempotent(db):
    group = ensure_federal_admins()
    assert group.name == FEDERAL_ADMINS_GROUP
    assert group.permissions.filter(codename="change_servicestandard").exists()
    assert ensure_federal_admins().pk == group.pk


@pytest.mark.parametrize("code", ["100000002", "10000000221", "10000A0022", ""])
def test_malformed_code_is_refused_at_the_field(category, code):
    entry = ServiceStandard(
        code=code,
        title="Услуга",
        agency="ФНС",
        category=category,
        summary="—",
        max_processing_days=5,
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "code" in error.value.message_dict


def test_regional_code_must_start_with_the_region_subject_code(region, category):
    entry = ServiceStandard(
        code="7100000001",
        level="regional",
        region=region,
        title="Услуга",
        agency="Министерство",
        category=category,
        summary="—",
        max_processing_days=5,
    )
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "40" in error.value.message_dict["code"][0]
    entry.code = "4000000001"
    entry.full_clean()


def test_federal_admin_adds_an_entry_through_the_admin(client, federal_member, category):
    situation = LifeSituation.objects.create(name="Рождение ребёнка", slug="rozhdenie")
    client.force_login(federal_member)
    data = entry_data(category, life_situations=[situation.pk])
    response = client.post(reverse(ADD_URL), data)
    assert response.status_code == 302, response.context["form"].errors
    entry = ServiceStandard.objects.get(code="1000000022")
    assert entry.mandatory_blocks == ["hero", "timelines"]
    assert list(entry.life_situations.all()) == [situation]
    assert entry.default_body[0].block_type == "hero"


def test_duplicate_code_gets_a_message_at_the_field(client, federal_member, category, standard):
    client.force_login(federal_member)
    response = client.post(reverse(ADD_URL), entry_data(category, title="Другая услуга"))
    assert response.status_code == 200
    assert "already has an entry with this code" in " ".join(
        response.context["form"].errors["code"]
    ) or "уже" in " ".join(response.context["form"].errors["code"])
    assert ServiceStandard.objects.count() == 1


def test_malformed_code_through_the_admin_gets_a_message_at_the_field(
    client, federal_member, category
):
    client.force_login(federal_member)
    response = client.post(reverse(ADD_URL), entry_data(category, code="12345"))
    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert not ServiceStandard.objects.exists()


def test_federal_admin_changes_an_entry(client, federal_member, category, standard):
    client.force_login(federal_member)
    data = entry_data(category, max_processing_days="7")
    response = client.post(reverse(EDIT_URL, args=[standard.pk]), data)
    assert response.status_code == 302
    standard.refresh_from_db()
    assert standard.max_processing_days == 7


def test_regional_editor_sees_the_registry_but_cannot_change_it(client, editor, category, standard):
    client.force_login(editor)
    listing = client.get(reverse(LIST_URL))
    assert listing.status_code == 200 and standard.title in listing.content.decode()

    for response in (
        client.get(reverse(ADD_URL)),
        client.post(reverse(ADD_URL), entry_data(category, code="1000000033")),
        client.get(reverse(EDIT_URL, args=[standard.pk])),
        client.post(reverse(EDIT_URL, args=[standard.pk]), entry_data(category, title="Взлом")),
    ):
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"] == reverse("wagtailadmin_home")
    standard.refresh_from_db()
    assert standard.title == "Единовременное пособие при рождении ребёнка"
    assert ServiceStandard.objects.count() == 1


def test_editor_creates_a_prefilled_draft_in_their_region(client, editor, region, standard):
    client.force_login(editor)
    form_page = client.get(reverse(CREATE_URL))
    assert form_page.status_code == 200 and standard.title in form_page.content.decode()

    response = client.post(reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk})
    page = ServicePage.objects.get(service_code=standard.code)
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
    assert not page.live and page.get_parent().pk == region.home_page.pk
    assert page.registry_entry == standard
    assert (page.title, page.code_level, page.category, page.agency, page.summary) == (
        standard.title,
        "federal",
        standard.category,
        standard.agency,
        standard.summary,
    )
    assert [block.block_type for block in page.body] == ["hero", "timelines"]
    assert page.body[0].id != standard.default_body[0].id

    editor_view = client.get(response["Location"])
    assert editor_view.status_code == 200
    assert 'class="quality-panel"' in editor_view.content.decode()


def test_editor_cannot_create_a_service_in_another_region(client, editor, other_region, standard):
    client.force_login(editor)
    response = client.post(
        reverse(CREATE_URL), {"standard": standard.pk, "region": other_region.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["region"]
    assert not ServicePage.objects.exists()


def test_another_regions_regional_standard_is_not_offered(
    client, editor, region, other_region, category
):
    tula_only = ServiceStandard.objects.create(
        code="7100000201",
        level="regional",
        region=other_region,
        title="Выдача разрешения на строительство",
        agency="Министерство строительства Тульской области",
        category=category,
        summary="Разрешение на строительство.",
        max_processing_days=5,
    )
    client.force_login(editor)
    assert tula_only.title not in client.get(reverse(CREATE_URL)).content.decode()
    response = client.post(reverse(CREATE_URL), {"standard": tula_only.pk, "region": region.pk})
    assert response.status_code == 200 and response.context["form"].errors["standard"]
    assert not ServicePage.objects.exists()


def test_second_page_with_the_same_code_in_a_region_is_refused(client, editor, region, standard):
    client.force_login(editor)
    client.post(reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk})
    response = client.post(reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk})
    assert response.status_code == 200 and response.context["form"].errors["standard"]
    assert ServicePage.objects.count() == 1


def test_user_without_a_region_cannot_open_create_from_standard(client, federal_member):
    client.force_login(federal_member)
    response = client.get(reverse(CREATE_URL))
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
