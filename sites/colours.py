"""Colour arithmetic for branding checks (WCAG 2.2 relative luminance and contrast)."""

import re

_HEX = re.compile(r"^#([0-9a-fA-F]{6})$")


def parse_hex_colour(value):
    """Return (r, g, b) for '#rrggbb', or None when the text is not such a colour."""
    match = _HEX.match((value or "").strip())
    if not match:
        return None
    digits = match.group(1)
    return tuple(int(digits[i : i + 2], 16) for i in (0, 2, 4))


def _channel(value):
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(rgb):
    r, g, b = (_channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first, second):
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
