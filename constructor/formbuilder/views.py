"""The compiled form as JSON: ``GET <service>/form-schema.json``."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from wagtail.contrib.routable_page.models import RoutablePageMixin
from wagtail.models import Site

from constructor.formbuilder.models import live_form_version


def form_schema_response(page):
    version = live_form_version(page)
    if version is None:
        return JsonResponse(
            {"detail": _("This service has no online application form.")}, status=404
        )
    response = JsonResponse(version.schema, json_dumps_params={"ensure_ascii": False})
    response["X-Form-Version"] = str(version.number)
    response["ETag"] = f'"{version.content_hash}"'
    return response


def page_route_with_extension(request, page_path, route):
    """Serve a RoutablePage route whose name has a dot, which Wagtail's serve URL cannot match.

    The page is found the way Wagtail finds it, and the page's own ``@path`` route answers.
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    components = [part for part in page_path.split("/") if part]
    page, _args, _kwargs = site.root_page.localized.specific.route(request, components)
    if not isinstance(page, RoutablePageMixin):
        raise Http404
    view, args, kwargs = page.resolve_subpage("/" + route)
    return page.serve(request, view=view, args=args, kwargs=kwargs)
