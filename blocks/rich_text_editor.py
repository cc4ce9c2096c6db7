"""The default rich text editor: Draftail, named by the label of the FieldPanel it sits in.

Wagtail's FieldPanel labels the editor's hidden input and gives the label the id
``<input id>-label``; Draftail's editable area is another element, so it points its
``aria-labelledby`` there (see ``blocks.accessible_names``). In a StreamField the editor is drawn
in the browser from the block's options instead, where ``NamedRichTextBlock`` names it.
Kept apart from the blocks: Wagtail's rich text converters load models when imported.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from wagtail.admin.rich_text import DraftailRichTextArea


class LabelledDraftailRichTextArea(DraftailRichTextArea):
    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if "ariaLabel" not in self.options and attrs.get("id"):
            options = {**self.options, "ariaLabelledBy": f"{attrs['id']}-label"}
            context["widget"]["attrs"]["data-w-init-detail-value"] = json.dumps(
                options, cls=DjangoJSONEncoder
            )
        return context
