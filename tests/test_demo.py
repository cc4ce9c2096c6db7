from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import TestCase
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, Revision, Site

from blocks.landing import LandingStreamBlock
from constructor.services.models import Curator, ServiceCategory, ServicePage
from sites.models import PortalHomePage, Region, RegionBranding


def load_demo():
    output = StringIO()
    call_command("load_demo", stdout=output)
    return output.getvalue()


def _counts():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "images": get_image_model().objects.count(),
        "documents": get_document_model().objects.count(),
        "users": get_user_model().objects.count(),
        "curators": Curator.objects.count(),
        "categories": ServiceCategory.objects.count(),
        "sites": Site.objects.count(),
        "regions": Region.objects.count(),
    }


def _get(client, page):
    """Request a page through its own region's host name, the way a browser would."""
    site_id, _root_url, path = page.get_url_parts()
    return client.get(path, HTTP_HOST=Site.objects.get(pk=site_id).hostname)


@pytest.mark.django_db
def test_second_run_duplicates_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the first run commits
        load_demo()
    before = _counts()
    output = load_demo()
    assert _counts() == before
    tallies = [line for line in output.splitlines() if line.endswith("new)")]
    assert len(tallies) >= 6 and all(line.endswith("(0 new)") for line in tallies)


class DemoContentTests(TestCase):
    """Checks on one loaded demo; the class shares it and rolls it back at the end."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def test_federal_portal_is_the_default_site_and_the_welcome_page_is_gone(self):
        site = Site.objects.get(is_default_site=True)
        assert (site.hostname, site.port) == (
            settings.PORTAL_HOSTNAME,
            settings.PUBLIC_PORT,
        )
        assert isinstance(site.root_page.specific, PortalHomePage)
        assert site.root_page.live
        assert not Page.objects.filter(
            title__startswith="Welcome to your new Wagtail site"
        ).exists()

    def test_portal_lists_the_regions(self):
        response = self.client.get("/", HTTP_HOST="localhost")
        assert response.status_code == 200
        for region in Region.objects.all():
            assert region.name in response.content.decode()

    def test_at_least_ten_services_across_three_regions(self):
        services = ServicePage.objects.live()
        assert services.count() >= 10
        regions = {region.slug: region for region in Region.objects.all()}
        assert {"kaluga", "tula", "novosibirsk"} <= set(regions)
        for region in regions.values():
            assert services.child_of(region.home_page).count() >= 3

    def test_service_codes_follow_the_registry_formats(self):
        for service in ServicePage.objects.live():
            region = Region.objects.get(site__root_page=service.get_parent())
            assert len(service.service_code) == 10 and service.service_code.isdigit()
            if service.code_level == "regional":
                assert service.service_code.startswith(region.code), service.title

    def test_demo_bodies_pass_the_block_validation_editors_face(self):
        stream = LandingStreamBlock()
        for service in ServicePage.objects.live():
            stream.clean(service.body)  # raises ValidationError on a block editors could not save
            kinds = {block.block_type for block in service.body}
            assert {"hero", "documents", "fees", "timelines", "steps", "legal_basis"} <= kinds

    def test_demo_uses_every_landing_block(self):
        used = {block.block_type for s in ServicePage.objects.live() for block in s.body}
        assert used == set(LandingStreamBlock().child_blocks)

    def test_every_demo_service_page_renders(self):
        for service in ServicePage.objects.live():
            response = _get(self.client, service)
            assert response.status_code == 200, service.url_path
            assert service.title in response.content.decode()

    def test_region_home_pages_render(self):
        for region in Region.objects.all():
            response = self.client.get("/", HTTP_HOST=region.site.hostname)
            assert response.status_code == 200
            assert ServicePage.objects.child_of(region.home_page).first().title in (
                response.content.decode()
            )

    def test_curator_without_consent_is_shown_by_position_only(self):
        curator = Curator.objects.get(consent_to_publish=False)
        assert curator.photo is not None
        pages = [
            page
            for page in ServicePage.objects.live()
            if any(b.block_type == "curator" and b.value["curator"] == curator for b in page.body)
        ]
        assert pages
        for page in pages:
            html = _get(self.client, page).content.decode()
            assert curator.position in html
            assert curator.full_name not in html
            assert curator.photo.file.name.rsplit("/", 1)[-1].split(".")[0] not in html

    def test_curator_with_consent_is_shown_with_name_and_photo(self):
        page = ServicePage.objects.get(slug="zapis-v-detskiy-sad")
        curator = next(b.value["curator"] for b in page.body if b.block_type == "curator")
        assert curator.consent_to_publish
        html = _get(self.client, page).content.decode()
        assert curator.full_name in html
        assert f'alt="{curator.full_name}"' in html

    def test_regions_are_branded_with_readable_colours_and_a_coat_of_arms(self):
        for region in Region.objects.all():
            branding = RegionBranding.for_site(region.site)
            branding.full_clean()  # the accent colour keeps 4.5:1 against white
            assert branding.coat_of_arms.collection == region.collection
            assert branding.coat_of_arms.title
            assert branding.phone and branding.email and branding.address

    def test_demo_logins_work_and_stay_in_their_region(self):
        admin = authenticate(username="admin", password="admin-demo-2026")
        assert admin is not None and admin.is_superuser
        for region in Region.objects.all():
            editor = authenticate(username=f"editor-{region.slug}", password="editor-demo-2026")
            moderator = authenticate(
                username=f"moderator-{region.slug}", password="editor-demo-2026"
            )
            assert list(editor.groups.all()) == [region.editors]
            assert list(moderator.groups.all()) == [region.moderators]
            assert not editor.is_superuser and editor.first_name and editor.last_name

    def test_demo_info_prints_urls_and_logins_from_the_database(self):
        output = StringIO()
        call_command("demo_info", "--port", "8123", stdout=output)
        text = output.getvalue()
        assert "http://127.0.0.1:8123/" in text and "http://localhost:8123/admin/" in text
        for region in Region.objects.all():
            assert f"http://{region.slug}.localhost:8123/" in text
            assert f"editor-{region.slug} / editor-demo-2026" in text
        assert "admin / admin-demo-2026" in text
