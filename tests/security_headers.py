"""What every public page must show: the strict CSP, the other security headers, nothing inline.

A page passes only if the browser would run all of it under ``script-src 'self'`` and
``style-src 'self'``: no ``<script>`` without ``src``, no ``<style>``, no ``on*=`` handler, no
``style=`` attribute, no ``javascript:`` link.
"""

from bs4 import BeautifulSoup

STRICT_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]
REFERRER_POLICIES = ("same-origin", "no-referrer")


def csp_directives(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path} has no Content-Security-Policy header"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def inline_code(html):
    """Everything in the page that a policy without 'unsafe-inline' would block."""
    soup = BeautifulSoup(html, "html.parser")
    found = [
        f"<script> without src: {tag}"[:200]
        for tag in soup.find_all("script")
        if not tag.get("src")
    ]
    found += [f"<style>: {tag}"[:200] for tag in soup.find_all("style")]
    for tag in soup.find_all(True):
        for attribute, value in tag.attrs.items():
            if attribute.lower().startswith("on") or attribute.lower() == "style":
                found.append(f"<{tag.name} {attribute}={value!r}>")
        for attribute in ("href", "src", "action", "formaction"):
            if str(tag.get(attribute, "")).strip().lower().startswith("javascript:"):
                found.append(f"<{tag.name} {attribute}={tag[attribute]!r}>")
    return found


def assert_strict_public_page(response):
    path = response.wsgi_request.get_full_path()
    directives = csp_directives(response)
    for name, sources in STRICT_DIRECTIVES.items():
        assert directives.get(name) == sources, (path, name, directives.get(name))
    permissions = response.headers.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions, (path, feature, permissions)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", path
    assert response.headers.get("Referrer-Policy") in REFERRER_POLICIES, path
    assert inline_code(response.content.decode()) == [], path
