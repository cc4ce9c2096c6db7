"""Every input of the service editor's blocks has an accessible name (blocks/accessible_names.py).

The browser test (tests/browser/test_admin_russian.py) runs axe-core on the editor; this walks
every block definition, so a block added later without a name fails here at once.
"""

import pytest
from wagtail import blocks

from blocks.form import ApplicationFormBlock
from blocks.landing import EligibilityBlock, LandingStreamBlock
from blocks.mapping import PayloadMappingBlock
from sites.models import RegionHomePage

EDITOR_STREAMS = {
    "landing": LandingStreamBlock(),
    "form": ApplicationFormBlock(),
    "mapping": PayloadMappingBlock(),
}


def walk(block, path=()):
    """(path, block, parent) for every block below ``block``."""
    if isinstance(block, (blocks.StreamBlock, blocks.StructBlock)):
        children = block.child_blocks.items()
    elif isinstance(block, blocks.ListBlock):
        children = [("item", block.child_block)]
    else:
        return
    for name, child in children:
        yield (*path, name), child, block
        yield from walk(child, (*path, name))


def all_blocks():
    for stream_name, stream in EDITOR_STREAMS.items():
        for path, block, parent in walk(stream):
            yield pytest.param(block, parent, id=".".join((stream_name, *path)))


@pytest.mark.parametrize(("block", "parent"), list(all_blocks()))
def test_every_editor_input_is_named(block, parent):
    if isinstance(block, blocks.RichTextBlock):
        assert block.field.widget.options.get("ariaLabel") == block.label
    elif isinstance(parent, blocks.ListBlock):
        assert block.label, "a list item's heading names it"
        if isinstance(block, blocks.FieldBlock):
            assert block.field.widget.attrs.get("aria-label") == block.label


def test_a_list_item_input_renders_its_name():
    applicant = EligibilityBlock().child_blocks["applicants"].child_block
    rendered = applicant.field.widget.render("applicants-0-value", "Родители ребёнка")
    assert 'aria-label="Заявитель"' in rendered


def test_naming_changes_nothing_stored():
    note = EligibilityBlock().child_blocks["note"]
    assert note.deconstruct()[0] == "wagtail.blocks.RichTextBlock"
    assert note.get_prep_value(note.to_python("<p>Да</p>")) == "<p>Да</p>"


def test_a_page_fields_rich_text_editor_is_named_by_its_label(db):
    form_class = RegionHomePage.get_edit_handler().get_form_class()
    widget = form_class.base_fields["intro"].widget
    rendered = widget.render("intro", "<p>Услуги региона</p>", {"id": "id_intro"})
    assert "ariaLabelledBy" in rendered and "id_intro-label" in rendered
