"""Editor inputs that Wagtail leaves nameless get their block's label as accessible name.

Wagtail names a StructBlock child's input with a ``<label for>``. Two kinds of input escape it,
and a screen reader announced them as a bare "edit text" (axe: ``label``,
``aria-input-field-name``):

- an item of a ListBlock of plain fields: the list draws no label per item;
- a rich text editor: Draftail's editable area is a div with role="textbox", not the hidden
  input the ``<label for>`` points at.

``list_item`` names the first by an ``aria-label``. Rich text gets its name through Draftail's
options: in a StreamField the block's label (``NamedRichTextBlock``, ``ariaLabel``); in a page's
FieldPanel the panel's label element, which Wagtail gives the id ``<input id>-label``
(``blocks.rich_text_editor``, ``ariaLabelledBy``; the default editor in settings). None of this
changes what is stored.
"""

from django.utils.functional import cached_property
from wagtail import blocks


def list_item(block):
    """The field block, with its input named by its label, for use as a ListBlock's child."""
    block.field.widget.attrs["aria-label"] = block.label
    return block


class NamedRichTextBlock(blocks.RichTextBlock):
    @cached_property
    def field(self):
        field = super().field
        field.widget.options["ariaLabel"] = self.label
        return field


# The name is presentation only: migrations record the block as Wagtail's own.
DECONSTRUCT_ALIASES = {NamedRichTextBlock: "wagtail.blocks.RichTextBlock"}
