from django import forms, template
from django.urls import reverse

register = template.Library()

GROUPED_WIDGETS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


@register.filter
def is_grouped(bound_field):
    """Radios, checkboxes and multi-part inputs need a fieldset and legend, not a label."""
    widget = bound_field.field.widget
    return isinstance(widget, GROUPED_WIDGETS) or hasattr(widget, "children")


@register.simple_tag
def application_start_url(page):
    """The "apply online" address of a service, or "" when it has no published form."""
    from constructor.formbuilder.models import live_form_version

    if live_form_version(page) is None:
        return ""
    return reverse("applications:start", args=[page.slug])


@register.filter
def composite_parts(bound_field):
    """The parts of a multi-input answer (full name, passport, address), each with a label.

    Rendering the parts one by one gives every input its own visible label, the GOV.UK
    date-input pattern, whatever the field's combined widget would print.
    """
    field, widget = bound_field.field, bound_field.field.widget
    if not isinstance(field, forms.MultiValueField) or not isinstance(widget, forms.MultiWidget):
        return None
    values = bound_field.value()
    if isinstance(values, dict):
        values = [values.get(name) for name in getattr(field, "part_names", [])]
    if not isinstance(values, list | tuple):
        values = []
    parts = []
    for index, (suffix, part_widget) in enumerate(
        zip(widget.widgets_names, widget.widgets, strict=True)
    ):
        part_id = f"{bound_field.auto_id}{suffix}"
        attrs = {"id": part_id, **widget.attrs}
        html = part_widget.render(
            bound_field.html_name + suffix,
            values[index] if index < len(values) else None,
            attrs=attrs,
        )
        part_field = field.fields[index]
        parts.append(
            {
                "id": part_id,
                "label": part_field.label,
                "required": part_field.required,
                "html": html,
            }
        )
    return parts


def first_input_id(bound_field):
    """Where the error summary's link for a field lands: its first input."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        return f"{bound_field.auto_id}{widget.widgets_names[0]}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_0"
    children = getattr(widget, "children", None)
    if children:
        first_key, first = next(iter(children.items()))
        suffix = (
            first.widget.widgets_names[0] if isinstance(first.widget, forms.MultiWidget) else ""
        )
        return f"{bound_field.auto_id}-0-{first_key}{suffix}"
    return bound_field.id_for_label or bound_field.auto_id
