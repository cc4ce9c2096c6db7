from django.http import HttpResponse
from django.views.decorators.http import require_GET
from wagtail.models import Site

from sites.colours import parse_hex_colour
from sites.models import DEFAULT_ACCENT_COLOUR, RegionBranding


@require_GET
def branding_css(request):
    """The current site's accent colour as CSS custom properties (keeps styles out of HTML)."""
    site = Site.find_for_request(request)
    accent = DEFAULT_ACCENT_COLOUR
    if site is not None:
        branding = RegionBranding.for_site(site)
        if parse_hex_colour(branding.accent_colour):
            accent = branding.accent_colour
    css = f":root {{ --accent: {accent}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response
