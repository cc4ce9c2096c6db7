"""Invariant 6 in the admin: an official acts only inside their region.

Every test goes through the admin's real URLs as a real user in the groups create_region
makes. Wagtail answers a forbidden admin URL by redirecting to the dashboard with an error
message (``wagtail.admin.auth.permission_denied``), so "denied" below means exactly that,
plus: nothing of the other region is shown or changed.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupSitePermission, Page, Site, WorkflowState

from constructor.services.models import Curator, ServicePage
from sites.models import Region, RegionBranding

PERMISSION_DENIED = "Извините, но у вас нет доступа в эту область."


def assert_denied(client, response):
    """Wagtail's permission-denied answer: back to the dashboard with a message saying why."""
    assert response.status_code == 302, response.status_code
    assert response["Location"] == reverse("wagtailadmin_home")
    dashboard = client.get(response["Location"])
    assert PERMISSION_DENIED in [str(message).strip() for message in dashboard.context["messages"]]


def png_file(name="gerb.png"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "#0d4cd3").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_file(name="reglament.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def kaluga_service(region, category, make_service):
    return make_service(region, "Запись ребёнка в детский сад", category, "4000000001")


@pytest.fixture
def tula_service(other_region, category, make_service):
    return make_service(other_region, "Запись ребёнка в школу", category, "7100000001")


@pytest.fixture
def kaluga_image(region):
    return Image.objects.create(title="Герб Калуги", file=png_file(), collection=region.collection)


@pytest.fixture
def tula_image(other_region):
    return Image.objects.create(
        title="Герб Тулы", file=png_file("tula.png"), collection=other_region.collection
    )


@pytest.fixture
def kaluga_document(region):
    return Document.objects.create(
        title="Регламент Калуги", file=pdf_file(), collection=region.collection
    )


@pytest.fixture
def tula_document(other_region):
    return Document.objects.create(
        title="Регламент Тулы", file=pdf_file("tula.pdf"), collection=other_region.collection
    )


def make_curator(region, full_name):
    return Curator.objects.create(
        region=region,
        full_name=full_name,
        position="Заместитель министра",
        organisation="Министерство образования",
    )


@pytest.fixture
def kaluga_curator(region):
    return make_curator(region, "Иванова Мария Петровна")


@pytest.fixture
def tula_curator(other_region):
    return make_curator(other_region, "Петров Сергей Иванович")


# Pages


@pytest.mark.parametrize(
    "url_name",
    ["wagtailadmin_pages:edit", "wagtailadmin_pages:delete", "wagtailadmin_pages:unpublish"],
)
def test_editor_cannot_open_another_regions_page_views(client, editor, tula_service, url_name):
    client.force_login(editor)
    assert_denied(client, client.get(reverse(url_name, args=[tula_service.pk])))


def test_editor_cannot_add_a_page_in_another_region(client, editor, other_region):
    client.force_login(editor)
    url = reverse(
        "wagtailadmin_pages:add", args=["services", "servicepage", other_region.home_page.pk]
    )
    assert_denied(client, client.get(url))


def test_editor_cannot_publish_changes_to_another_regions_page(
    client, editor, tula_service, category, service_page_form_data
):
    client.force_login(editor)
    data = service_page_form_data(
        "Взломанная услуга", "7100000001", category, slug=tula_service.slug, publish=True
    )
    response = client.post(reverse("wagtailadmin_pages:edit", args=[tula_service.pk]), data)
    assert_denied(client, response)
    tula_service.refresh_from_db()
    assert tula_service.title == "Запись ребёнка в школу"
    assert tula_service.revisions.count() == 1


def test_editor_cannot_delete_another_regions_page(client, editor, tula_service):
    client.force_login(editor)
    response = client.post(reverse("wagtailadmin_pages:delete", args=[tula_service.pk]))
    assert_denied(client, response)
    assert ServicePage.objects.filter(pk=tula_service.pk).exists()


def test_editor_edits_a_page_of_own_region_and_submits_it_for_review(
    client, editor, kaluga_service, category, service_page_form_data
):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[kaluga_service.pk])
    assert client.get(url).status_code == 200
    data = service_page_form_data(
        "Запись в детский сад онлайн", "4000000001", category, slug=kaluga_service.slug
    )
    # Publishing is not the editor's to do: the change is kept as a draft, the page unchanged.
    response = client.post(url, data | {"action-publish": "action-publish"})
    assert response.status_code == 302
    kaluga_service.refresh_from_db()
    assert kaluga_service.title == "Запись ребёнка в детский сад"
    assert kaluga_service.get_latest_revision_as_object().title == "Запись в детский сад онлайн"
    # Submitting starts the review workflow instead.
    response = client.post(url, data | {"action-submit": "action-submit"})
    assert response.status_code == 302
    assert WorkflowState.objects.filter(object_id=str(kaluga_service.pk)).exists()
    kaluga_service.refresh_from_db()
    assert kaluga_service.title == "Запись ребёнка в детский сад"


def test_editor_adds_a_page_to_own_region(client, editor, region, category, service_page_form_data):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["services", "servicepage", region.home_page.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, service_page_form_data("Выдача охотничьего билета", "4000000002", category)
    )
    assert response.status_code == 302
    service = ServicePage.objects.get(service_code="4000000002")
    assert service.get_parent().pk == region.home_page.pk


def test_moderator_deletes_a_draft_page_of_own_region(
    client, moderator, region, category, make_service
):
    draft = make_service(region, "Черновик услуги", category, "4000000009", live=False)
    client.force_login(moderator)
    url = reverse("wagtailadmin_pages:delete", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not ServicePage.objects.filter(pk=draft.pk).exists()


def test_moderator_cannot_take_a_live_page_down_without_review(client, moderator, kaluga_service):
    # Deleting a live page unpublishes it: that, too, is the federal reviewers' call.
    client.force_login(moderator)
    client.post(reverse("wagtailadmin_pages:delete", args=[kaluga_service.pk]))
    client.post(reverse("wagtailadmin_pages:unpublish", args=[kaluga_service.pk]))
    kaluga_service.refresh_from_db()
    assert kaluga_service.live


def test_page_explorer_starts_at_the_editors_region_home(client, editor, region, other_region):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_explore_root"))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[region.home_page.pk])


def test_page_explorer_hides_other_regions(client, editor, region, kaluga_service, tula_service):
    client.force_login(editor)
    response = client.get(reverse("wagtailadmin_explore", args=[region.home_page.pk]))
    assert response.status_code == 200
    assert kaluga_service.title in response.content.decode()
    assert tula_service.title not in response.content.decode()
    # Asked for the other region's tree, Wagtail sends the editor back to their own.
    other_home = tula_service.get_parent()
    response = client.get(reverse("wagtailadmin_explore", args=[other_home.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_explore", args=[region.home_page.pk])


def test_page_chooser_lists_only_own_region_pages(client, editor, kaluga_service, tula_service):
    client.force_login(editor)
    search = client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Запись"})
    assert search.status_code == 200
    assert kaluga_service.title in search.content.decode()
    assert tula_service.title not in search.content.decode()
    other_home = tula_service.get_parent()
    browse = client.get(reverse("wagtailadmin_choose_page_child", args=[other_home.pk]))
    assert tula_service.title not in browse.json()["html"]


def test_federal_admin_sees_every_region(client, federal_admin, kaluga_service, tula_service):
    client.force_login(federal_admin)
    response = client.get(reverse("wagtailadmin_explore", args=[Page.get_first_root_node().pk]))
    assert response.status_code == 200
    for service in (kaluga_service, tula_service):
        assert client.get(reverse("wagtailadmin_pages:edit", args=[service.pk])).status_code == 200


# Images and documents


def test_image_listing_shows_only_own_region(client, editor, kaluga_image, tula_image):
    client.force_login(editor)
    response = client.get(reverse("wagtailimages:index"))
    assert response.status_code == 200
    listed = {image.pk for image in response.context["page_obj"]}
    assert listed == {kaluga_image.pk}
    assert "Герб Тулы" not in response.content.decode()


@pytest.mark.parametrize("url_name", ["wagtailimages:edit", "wagtailimages:delete"])
def test_editor_cannot_open_another_regions_image(client, editor, tula_image, url_name):
    client.force_login(editor)
    assert_denied(client, client.get(reverse(url_name, args=[tula_image.pk])))


def test_editor_cannot_change_or_delete_another_regions_image(client, editor, tula_image):
    client.force_login(editor)
    edit = client.post(
        reverse("wagtailimages:edit", args=[tula_image.pk]),
        {"title": "Чужой герб", "collection": tula_image.collection_id, "tags": ""},
    )
    assert_denied(client, edit)
    assert_denied(client, client.post(reverse("wagtailimages:delete", args=[tula_image.pk])))
    tula_image.refresh_from_db()
    assert tula_image.title == "Герб Тулы"


def test_editor_cannot_upload_into_another_regions_collection(client, editor, region, other_region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Чужой герб", "file": png_file(), "collection": other_region.collection_id},
    )
    # With one permitted collection the form has no collection field: the posted one is ignored.
    assert response.status_code == 302
    assert not Image.objects.filter(collection=other_region.collection).exists()
    assert Image.objects.get(title="Чужой герб").collection == region.collection


def test_image_upload_offers_only_own_collection(client, editor, region, other_region):
    client.force_login(editor)
    response = client.get(reverse("wagtailimages:add"))
    form = response.context["form"]
    # With a single permitted collection Wagtail hides the choice and uses that one.
    if "collection" in form.fields:
        offered = set(form.fields["collection"].queryset)
        assert offered == {region.collection}
    else:
        assert other_region.collection.name not in response.content.decode()


def test_editor_uploads_edits_and_deletes_images_of_own_region(client, editor, region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "Герб области", "file": png_file(), "collection": region.collection_id},
    )
    assert response.status_code == 302
    image = Image.objects.get(title="Герб области")
    assert image.collection == region.collection
    edit = client.post(
        reverse("wagtailimages:edit", args=[image.pk]),
        {"title": "Герб Калужской области", "collection": region.collection_id, "tags": ""},
    )
    assert edit.status_code == 302
    image.refresh_from_db()
    assert image.title == "Герб Калужской области"
    assert client.post(reverse("wagtailimages:delete", args=[image.pk])).status_code == 302
    assert not Image.objects.filter(pk=image.pk).exists()


def test_document_listing_shows_only_own_region(client, editor, kaluga_document, tula_document):
    client.force_login(editor)
    response = client.get(reverse("wagtaildocs:index"))
    assert response.status_code == 200
    assert {document.pk for document in response.context["page_obj"]} == {kaluga_document.pk}


@pytest.mark.parametrize("url_name", ["wagtaildocs:edit", "wagtaildocs:delete"])
def test_editor_cannot_touch_another_regions_document(client, editor, tula_document, url_name):
    client.force_login(editor)
    url = reverse(url_name, args=[tula_document.pk])
    assert_denied(client, client.get(url))
    assert_denied(
        client, client.post(url, {"title": "Чужой", "collection": tula_document.collection_id})
    )
    tula_document.refresh_from_db()
    assert tula_document.title == "Регламент Тулы"


def test_editor_cannot_upload_a_document_into_another_region(client, editor, region, other_region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Чужой регламент", "file": pdf_file(), "collection": other_region.collection_id},
    )
    assert response.status_code == 302
    assert not Document.objects.filter(collection=other_region.collection).exists()
    assert Document.objects.get(title="Чужой регламент").collection == region.collection


def test_editor_uploads_and_deletes_documents_of_own_region(client, editor, region):
    client.force_login(editor)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "Регламент услуги", "file": pdf_file(), "collection": region.collection_id},
    )
    assert response.status_code == 302
    document = Document.objects.get(title="Регламент услуги")
    assert document.collection == region.collection
    assert client.post(reverse("wagtaildocs:delete", args=[document.pk])).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()


def test_federal_admin_lists_every_regions_images(client, federal_admin, kaluga_image, tula_image):
    client.force_login(federal_admin)
    response = client.get(reverse("wagtailimages:index"))
    assert {image.pk for image in response.context["page_obj"]} == {kaluga_image.pk, tula_image.pk}


# Curators


def curator_url(action, curator=None):
    name = Curator.snippet_viewset.get_url_name(action)
    return reverse(name, args=[curator.pk] if curator else [])


def test_curator_listing_shows_only_own_region(client, editor, kaluga_curator, tula_curator):
    client.force_login(editor)
    response = client.get(curator_url("list"))
    assert response.status_code == 200
    assert {curator.pk for curator in response.context["page_obj"]} == {kaluga_curator.pk}
    assert tula_curator.full_name not in response.content.decode()


@pytest.mark.parametrize("action", ["edit", "delete", "history", "usage", "copy"])
def test_editor_cannot_open_another_regions_curator(client, editor, tula_curator, action):
    client.force_login(editor)
    response = client.get(curator_url(action, tula_curator))
    assert_denied(client, response)


def test_moderator_cannot_change_or_delete_another_regions_curator(
    client, moderator, tula_curator, other_region
):
    moderator.user_permissions.add(
        *Curator.snippet_viewset.get_permissions_to_register().filter(codename="delete_curator")
    )
    client.force_login(moderator)
    edit = client.post(
        curator_url("edit", tula_curator),
        {
            "region": other_region.pk,
            "full_name": "Подменённый куратор",
            "position": "Никто",
            "organisation": "Никто",
        },
    )
    assert_denied(client, edit)
    assert_denied(client, client.post(curator_url("delete", tula_curator)))
    tula_curator.refresh_from_db()
    assert tula_curator.full_name == "Петров Сергей Иванович"


def test_curator_bulk_delete_skips_another_regions_curator(client, moderator, tula_curator):
    moderator.user_permissions.add(
        *Curator.snippet_viewset.get_permissions_to_register().filter(codename="delete_curator")
    )
    client.force_login(moderator)
    url = (
        reverse("wagtail_bulk_action", args=["services", "curator", "delete"])
        + f"?id={tula_curator.pk}"
    )
    client.post(url)
    assert Curator.objects.filter(pk=tula_curator.pk).exists()


def test_curator_form_offers_only_own_regions(client, editor, region, other_region):
    client.force_login(editor)
    response = client.get(curator_url("add"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["region"].queryset) == [region]


def test_curator_cannot_be_created_in_another_region(client, editor, other_region):
    client.force_login(editor)
    data = {
        "region": other_region.pk,
        "full_name": "Сидорова Анна Викторовна",
        "position": "Начальник отдела",
        "organisation": "Министерство труда",
    }
    response = client.post(curator_url("add"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert "Выберите корректный вариант" in str(form.errors["region"])
    assert form["full_name"].value() == "Сидорова Анна Викторовна"
    assert not Curator.objects.exists()


def test_editor_creates_and_edits_a_curator_of_own_region(client, editor, region):
    client.force_login(editor)
    data = {
        "region": region.pk,
        "full_name": "Сидорова Анна Викторовна",
        "position": "Начальник отдела",
        "organisation": "Министерство труда",
    }
    assert client.post(curator_url("add"), data).status_code == 302
    curator = Curator.objects.get(full_name="Сидорова Анна Викторовна")
    assert curator.region == region
    response = client.post(curator_url("edit", curator), data | {"position": "Министр"})
    assert response.status_code == 302
    curator.refresh_from_db()
    assert curator.position == "Министр"


def test_curator_chooser_lists_only_own_region(client, editor, kaluga_curator, tula_curator):
    client.force_login(editor)
    chooser = Curator.snippet_viewset.chooser_viewset
    for view in ("choose", "choose_results"):
        response = client.get(reverse(chooser.get_url_name(view)))
        assert response.status_code == 200
        # The modal opens with JSON wrapping the HTML; the results refresh is plain HTML.
        is_json = response["Content-Type"] == "application/json"
        content = response.json()["html"] if is_json else response.content.decode()
        assert kaluga_curator.full_name in content
        assert tula_curator.full_name not in content
    chosen = client.get(reverse(chooser.get_url_name("chosen"), args=[tula_curator.pk]))
    assert chosen.status_code == 404


def test_federal_admin_sees_every_curator(client, federal_admin, kaluga_curator, tula_curator):
    client.force_login(federal_admin)
    response = client.get(curator_url("list"))
    assert {c.pk for c in response.context["page_obj"]} == {kaluga_curator.pk, tula_curator.pk}
    assert client.get(curator_url("edit", tula_curator)).status_code == 200


# Region branding


def branding_url(site):
    return reverse("wagtailsettings:edit", args=["regions", "regionbranding", site.pk])


def test_moderator_edits_branding_of_own_site_only(client, moderator, region, other_region):
    client.force_login(moderator)
    assert client.get(branding_url(region.site)).status_code == 200
    assert_denied(client, client.get(branding_url(other_region.site)))
    response = client.post(
        branding_url(other_region.site),
        {"display_name": "Захвачено", "accent_colour": "#000000"},
    )
    assert_denied(client, response)
    assert RegionBranding.for_site(other_region.site).display_name == "Тульская область"


def test_moderator_saves_own_branding(client, moderator, region):
    client.force_login(moderator)
    response = client.post(
        branding_url(region.site),
        {"display_name": "Госуслуги Калужской области", "accent_colour": "#0D4CD3"},
    )
    assert response.status_code == 302
    branding = RegionBranding.for_site(region.site)
    assert branding.display_name == "Госуслуги Калужской области"
    assert branding.accent_colour == "#0d4cd3"


def test_a_site_without_branding_shows_the_defaults_and_gets_its_row_on_save(
    client, federal_admin, region
):
    portal = Site.objects.get(is_default_site=True)
    assert not RegionBranding.objects.filter(site=portal).exists()
    assert client.get("/branding.css", HTTP_HOST="localhost").status_code == 200
    assert RegionBranding.for_site(portal).display_name == "Госуслуги"
    assert not RegionBranding.objects.filter(site=portal).exists()  # looking created nothing
    client.force_login(federal_admin)
    assert client.get(branding_url(portal)).status_code == 200
    response = client.post(
        branding_url(portal), {"display_name": "Госуслуги регионов", "accent_colour": "#0d4cd3"}
    )
    assert response.status_code == 302
    assert RegionBranding.objects.get(site=portal).display_name == "Госуслуги регионов"


def test_editor_cannot_edit_branding(client, editor, region):
    client.force_login(editor)
    assert_denied(client, client.get(branding_url(region.site)))


def test_branding_permission_is_granted_per_site(region, other_region):
    assert not region.moderators.permissions.filter(codename="change_regionbranding").exists()
    sites = GroupSitePermission.objects.filter(
        group=region.moderators, permission__codename="change_regionbranding"
    ).values_list("site", flat=True)
    assert list(sites) == [region.site_id]


# The Regions section


def test_regions_section_is_for_federal_admins_only(client, moderator):
    client.force_login(moderator)
    assert_denied(client, client.get(reverse("regions:index")))
    assert_denied(client, client.get(reverse("regions:add")))


def test_federal_admin_creates_a_region_with_its_site_collection_and_groups(client, federal_admin):
    client.force_login(federal_admin)
    assert client.get(reverse("regions:add")).status_code == 200
    response = client.post(
        reverse("regions:add"), {"name": "Рязанская область", "slug": "ryazan", "code": "62"}
    )
    assert response.status_code == 302
    region = Region.objects.get(slug="ryazan")
    assert Site.objects.get(hostname="ryazan.localhost").root_page.pk == region.home_page.pk
    assert Collection.objects.filter(name="Рязанская область").exists()
    assert region.editors.page_permissions.filter(page=region.home_page).exists()
    listing = client.get(reverse("regions:index"))
    assert "Рязанская область" in listing.content.decode()


def test_regions_cannot_be_deleted_from_the_admin(client, federal_admin, region):
    client.force_login(federal_admin)
    assert_denied(client, client.post(reverse("regions:delete", args=[region.pk])))
    assert Region.objects.filter(pk=region.pk).exists()


def test_federal_admin_changes_a_regions_code_and_nothing_else(client, federal_admin, region):
    client.force_login(federal_admin)
    url = reverse("regions:edit", args=[region.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "41", "slug": "hacked", "name": "Другое имя"})
    assert response.status_code == 302
    region.refresh_from_db()
    assert (region.code, region.slug, region.name) == ("41", "kaluga", "Калужская область")
