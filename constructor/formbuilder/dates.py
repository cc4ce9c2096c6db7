"""Date bounds shared by the Django field and the JSON Schema keyword, so both agree."""

from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from constructor.formbuilder.identifiers import add_years, parse_iso_date


def check_date_bounds(day, bounds, today=None):
    """Raise ValidationError when ``day`` breaks ``bounds`` (the date field's options)."""
    today = today or timezone.localdate()
    if bounds.get("min") and day < parse_iso_date(bounds["min"]):
        raise ValidationError(
            _("Enter a date no earlier than %(date)s.")
            % {"date": formats.date_format(parse_iso_date(bounds["min"]), "d.m.Y")},
            code="date_min",
        )
    if bounds.get("max") and day > parse_iso_date(bounds["max"]):
        raise ValidationError(
            _("Enter a date no later than %(date)s.")
            % {"date": formats.date_format(parse_iso_date(bounds["max"]), "d.m.Y")},
            code="date_max",
        )
    if bounds.get("relative") == "not_future" and day > today:
        raise ValidationError(_("The date cannot be in the future."), code="date_future")
    if bounds.get("relative") == "not_past" and day < today:
        raise ValidationError(_("The date cannot be in the past."), code="date_past")
    min_age = bounds.get("min_age")
    if min_age and add_years(day, min_age) > today:
        raise ValidationError(
            _("The person must be at least %(age)s years old on the date of the application.")
            % {"age": min_age},
            code="date_min_age",
        )
    return day
