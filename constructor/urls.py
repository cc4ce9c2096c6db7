from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from constructor.applications.api import api_not_found
from constructor.applications.api import application_status as application_status_api
from constructor.applications.audit import AuditLogView
from constructor.formbuilder.views import page_route_with_extension
from constructor.public_media import public_media_urls
from sites.views import branding_css

urlpatterns = [
    # Wagtail's site history is not scoped by region; its address serves our scoped report,
    # which still shows federal staff everything (invariant 6).
    path("admin/reports/site-history/", require_admin_access(AuditLogView.as_view())),
    path(
        "admin/reports/site-history/results/",
        require_admin_access(AuditLogView.as_view(results_only=True)),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("branding.css", branding_css, name="branding_css"),
    path("apply/", include("constructor.applications.urls")),
    path(
        "api/v1/applications/<str:number>/status",
        application_status_api,
        name="api_application_status",
    ),
    # The rest of /api/ answers JSON too, not the public site's HTML 404 (nor APPEND_SLASH).
    re_path(r"^api(?:/.*)?$", api_not_found),
    # Wagtail serves slug-only paths; this passes ``<service>/form-schema.json`` (and
    # ``mapping-report.json``) to its route.
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)(?P<route>form-schema\.json|mapping-report\.json)$",
        page_route_with_extension,
        name="page_route_with_extension",
    ),
]

urlpatterns += public_media_urls()
urlpatterns += [path("", include(wagtail_urls))]
