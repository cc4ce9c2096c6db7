"""Security headers on the demo's public pages and in the admin (constructor/security.py).

The public pages are the demo's, which uses every landing block, and are requested through each
region's own host the way citizens reach them. The wizard's later pages (check answers, receipt,
status) are in tests/applications/test_page_security.py; the browser's view of both policies is
in tests/browser/test_content_security_policy.py.
"""

import pytest
from django.core.management import call_command
from django.http import HttpResponse
from django.test import RequestFactory, TestCase
from wagtail.models import Site

from constructor.formbuilder.models import live_form_version
from constructor.security import ContentSecurityPolicyMiddleware
from constructor.services.models import ServiceCategory, ServicePage
from sites.models import InformationPage, Region
from tests.security_headers import assert_strict_public_page, csp_directives


def get(client, path, host, **params):
    return client.get(path, params, HTTP_HOST=host, follow=True)


class DemoPublicPagesTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
        cls.region = Region.objects.get(slug="kaluga")
        cls.host = cls.region.site.hostname
        information = cls.region.home_page.add_child(
            instance=InformationPage(title="О портале", slug="o-portale", body="<p>Справка.</p>")
        )
        information.save_revision().publish()

    def test_portal_home(self):
        response = get(self.client, "/", "localhost")
        assert response.status_code == 200
        assert_strict_public_page(response)

    def test_every_region_home(self):
        for region in Region.objects.all():
            response = get(self.client, "/", region.site.hostname)
            assert response.status_code == 200
            assert_strict_public_page(response)

    def test_every_category_page(self):
        for category in ServiceCategory.objects.all():
            response = get(self.client, f"/category/{category.slug}/", self.host)
            assert response.status_code == 200, category.slug
            assert_strict_public_page(response)

    def test_search_with_results_without_them_and_with_hostile_input(self):
        for query in ("детский сад", "", "<script>alert(1)</script>", '" onmouseover="x', "\x00"):
            response = get(self.client, "/search/", self.host, q=query)
            assert response.status_code in (200, 400), repr(query)
            assert_strict_public_page(response)

    def test_every_demo_landing(self):
        for service in ServicePage.objects.live():
            site_id, _root, path = service.get_url_parts()
            response = get(self.client, path, Site.objects.get(pk=site_id).hostname)
            assert response.status_code == 200, path
            assert_strict_public_page(response)

    def test_first_step_of_every_demo_form(self):
        services = [s for s in ServicePage.objects.live() if live_form_version(s)]
        assert services
        for service in services:
            response = get(self.client, f"/apply/{service.slug}/", service.get_site().hostname)
            assert response.status_code == 200, service.slug
            assert response.redirect_chain, service.slug  # the start page sends to step one
            assert_strict_public_page(response)

    def test_information_page(self):
        response = get(self.client, "/o-portale/", self.host)
        assert response.status_code == 200
        assert_strict_public_page(response)

    def test_not_found_page(self):
        response = get(self.client, "/no-such-service/", self.host)
        assert response.status_code == 404
        assert_strict_public_page(response)

    def test_the_admin_login_gets_the_admin_policy_never_eval(self):
        response = get(self.client, "/admin/login/", self.host)
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'", "'unsafe-inline'"]
        assert directives["frame-ancestors"] == ["'self'"]
        assert directives["object-src"] == ["'none'"]
        assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
        assert "camera=()" in response.headers["Permissions-Policy"]

    def test_wagtail_preview_keeps_the_public_policy_and_lets_the_admin_frame_it(self):
        service = ServicePage.objects.live().first()
        response = service.make_preview_request()
        assert response.status_code == 200
        directives = csp_directives(response)
        assert directives["script-src"] == ["'self'"]
        assert directives["style-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'self'"]


def admin_response(config=None):
    """A response through the middleware for an admin address, as a view decorated with
    django-csp's ``@csp(config)`` would give it."""
    request = RequestFactory().get("/admin/pages/")
    response = HttpResponse("<p>ok</p>")
    if config is not None:
        response._csp_config = config
    middleware = ContentSecurityPolicyMiddleware(lambda request: response)
    return middleware(request)


def test_an_admin_view_with_its_own_policy_keeps_it():
    response = admin_response({"default-src": ["'none'"]})
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


def test_an_admin_view_without_one_gets_the_admin_policy():
    response = admin_response()
    assert "'unsafe-inline'" in csp_directives(response)["script-src"]


@pytest.mark.parametrize("header", ["Content-Security-Policy", "Permissions-Policy"])
def test_the_branding_stylesheet_carries_the_headers_too(client, region, header):
    response = client.get("/branding.css", HTTP_HOST=region.site.hostname)
    assert response.status_code == 200
    assert response.headers.get(header)
