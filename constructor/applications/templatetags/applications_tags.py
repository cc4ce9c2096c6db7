from django import forms, template
from django.urls import reverse

register = template.Library()

GROUPED_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


@register.filter
def is_grouped(bound_field):
    """Radios, checkboxes and multi-part inputs need a fieldset and legend, not a label."""
    widget = bound_field.field.widget
    return isinstance(widget, GROUPED_WIDGETS) or hasattr(widget, "children")


@register.filter
def upload_rules(bound_field):
    """What an upload question takes (formats, size, number of files), or ""."""
    rules = getattr(bound_field.field, "rules", None)
    return rules() if rules else ""


@register.simple_tag
def application_start_url(page):
    """The "apply online" address of a service, or "" when it has no published form."""
    from constructor.formbuilder.models import live_form_version

    if live_form_version(page) is None:
        return ""
    return reverse("applications:start", args=[page.slug])


def first_input_id(bound_field):
    """Where the error summary's link for a field lands: its first input."""
    return widget_first_id(bound_field.auto_id, bound_field.field.widget) or (
        bound_field.id_for_label or bound_field.auto_id
    )


def widget_first_id(base, widget):
    """The id of the first input ``widget`` draws for the id ``base``."""
    if not base:
        return base
    if isinstance(widget, forms.MultiWidget):
        return f"{base}{widget.widgets_names[0]}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{base}_0"
    children = getattr(widget, "children", None)
    if children:
        first_key, first = next(iter(children.items()))
        return widget_first_id(f"{base}-0-{first_key}", first.widget)
    return base
