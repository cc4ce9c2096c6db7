"""The admin editor's POST data for content as it stands, the way the editor's widgets send it.

Writing a page's form data by hand (``wagtail.test.utils.form_data``) is fine for a hero block;
for a whole demo page (thirty blocks, a multi-step form, a mapping) the test would restate the
content it means to check. ``stream_post_data`` walks a StreamField value instead and writes
what each block's widget would post: counts, types, ids and order for streams and lists, one
key per struct child, and for a field the value its widget shows (a pk for a chooser, "on" for
a ticked box, the editor's own format for rich text and dates).
"""

from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.test.utils.form_data import inline_formset, nested_form_data

# The page fields of ServicePage's editor besides its StreamFields (which are walked).
PAGE_FIELDS = (
    "title",
    "slug",
    "seo_title",
    "search_description",
    "service_code",
    "code_level",
    "agency",
    "summary",
)
PAGE_CHOICES = ("category", "registry_entry", "integration")


def stream_post_data(block, value, prefix):
    """The form data of ``value`` (a value of ``block``) under the input name ``prefix``."""
    if isinstance(block, blocks.StreamBlock):
        return _sequence(
            prefix, [(child.block, child.value, child.id, child.block_type) for child in value]
        )
    if isinstance(block, blocks.ListBlock):
        return _sequence(
            prefix,
            [(block.child_block, item.value, item.id, None) for item in value.bound_blocks],
        )
    if isinstance(block, blocks.StructBlock):
        data = {}
        for name, child in block.child_blocks.items():
            data.update(stream_post_data(child, value.get(name), f"{prefix}-{name}"))
        return data
    return _field_data(block, value, prefix)


def _sequence(prefix, children):
    data = {f"{prefix}-count": str(len(children))}
    for index, (child_block, child_value, child_id, block_type) in enumerate(children):
        here = f"{prefix}-{index}"
        data.update(
            {f"{here}-id": child_id or "", f"{here}-order": str(index), f"{here}-deleted": ""}
        )
        if block_type is not None:
            data[f"{here}-type"] = block_type
        data.update(stream_post_data(child_block, child_value, f"{here}-value"))
    return data


def _field_data(block, value, prefix):
    if isinstance(block, blocks.BooleanBlock):
        return {prefix: "on"} if value else {}
    if isinstance(block, blocks.ChooserBlock):
        return {prefix: "" if value is None else str(getattr(value, "pk", value))}
    if isinstance(block, blocks.MultipleChoiceBlock):
        return {prefix: [str(item) for item in value or []]}
    state = block.get_form_state(value)
    return {prefix: "" if state is None else state}


def page_edit_data(page, action="action-submit"):
    """The page editor's POST for ``page`` as it stands, sent with the button ``action``."""
    data = {name: getattr(page, name) or "" for name in PAGE_FIELDS}
    data.update({name: getattr(page, f"{name}_id") or "" for name in PAGE_CHOICES})
    for field in type(page)._meta.get_fields():
        if isinstance(field, StreamField):
            data.update(stream_post_data(field.stream_block, getattr(page, field.name), field.name))
    data.update(nested_form_data({"comments": inline_formset([])}))
    data[action] = action
    return data
