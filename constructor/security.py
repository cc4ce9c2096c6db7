"""The security headers django-csp and Django's SecurityMiddleware leave to us.

Two content security policies, chosen by path:

* Every public page (portal, region catalog, landings, the application wizard, receipts, status
  pages, errors) gets ``CONTENT_SECURITY_POLICY``: scripts and styles from our own origin only,
  nothing inline, no ``eval``, no plugins, never framed. A ``<script>`` or ``onclick=`` that
  slips into an official's text or a citizen's answer does not run. So templates carry no inline
  script, no ``on*=`` handler and no ``style=``: behaviour lives in constructor/static/js and
  the data it needs in ``data-`` attributes.
* The Wagtail admin, under its own prefix, gets ``ADMIN_CONTENT_SECURITY_POLICY``: Wagtail's
  templates carry inline scripts and its editors set inline styles, and its preview shows pages
  in a same-origin frame. docs/ARCHITECTURE.md ("Security headers") says what each allowance is
  for and how it was found.

A view that sets its own policy with django-csp's decorators keeps it.

Permissions-Policy switches off browser features no page of ours uses (camera, microphone,
geolocation, ...), so a script that slips in cannot reach them either. Django has no setting for
it and django-csp does not send it, hence the small middleware here.
"""

from csp.constants import SELF
from csp.middleware import CSPMiddleware
from csp.utils import default_config
from django.conf import settings
from django.urls import reverse


def is_admin_request(request):
    return request.path.startswith(reverse("wagtailadmin_home"))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, choosing the policy by who the response is for."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        if getattr(request, "is_dummy", False):
            # Wagtail's preview renders the public page for a made-up request sent through the
            # middleware, and the editor shows it in a same-origin frame. The public policy
            # stays (editors see what citizens will get), only framing by the admin is allowed.
            parts.replace = {**(parts.replace or {}), "frame-ancestors": [SELF]}
        elif is_admin_request(request):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts


def permissions_policy(denied_features):
    """``camera=(), microphone=()``: an empty allow-list turns a feature off for every origin."""
    return ", ".join(f"{feature}=()" for feature in denied_features)


class PermissionsPolicyMiddleware:
    """Adds the Permissions-Policy header to every response that has none."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(settings.PERMISSIONS_POLICY_DENY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
