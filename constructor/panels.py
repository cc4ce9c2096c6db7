"""Editor panels that edit nothing: reports about the page shown among its fields."""

from wagtail.admin.panels import Panel


class ReadOnlyPanel(Panel):
    """A panel that shows a report about the page and edits nothing; named ``default_name``."""

    default_name = ""

    def clone_kwargs(self):
        kwargs = super().clone_kwargs()
        del kwargs["help_text"]
        return kwargs

    @property
    def clean_name(self):
        return super().clean_name or self.default_name
