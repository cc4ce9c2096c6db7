"""The switch above the application form that shows the machine keys, hidden until asked for.

Keys are made from labels (``keys``), so most editors never need to see them; those who map
answers to an agency or write conditions tick «Show technical keys». The switch is a checkbox
read by the stylesheet ``admin-technical-keys.css`` (``:has()``), so it needs no script; a key
input with an error to fix is shown either way.
"""

from wagtail.admin.panels import Panel

SWITCH_ID = "show-technical-keys"


class TechnicalKeysPanel(Panel):
    @property
    def clean_name(self):
        return super().clean_name or "technical_keys"

    class BoundPanel(Panel.BoundPanel):
        template_name = "formbuilder/technical_keys_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            context["switch_id"] = SWITCH_ID
            return context
