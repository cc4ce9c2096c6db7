from django.conf import settings
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from constructor.formbuilder.views import page_route_with_extension
from sites.views import branding_css

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("branding.css", branding_css, name="branding_css"),
    path("apply/", include("constructor.applications.urls")),
    # Wagtail serves slug-only paths; this passes ``<service>/form-schema.json`` to its route.
    re_path(
        r"^(?P<page_path>(?:[\w\-]+/)+)(?P<route>form-schema\.json)$",
        page_route_with_extension,
        name="page_route_with_extension",
    ),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]
