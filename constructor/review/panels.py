"""The quality panel at the top of the service page editor: score and unmet rules."""

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


class QualityPanel(ReadOnlyPanel):
    """Read-only: scores the page being edited (its latest revision) against the rules."""

    default_name = "quality"

    class BoundPanel(Panel.BoundPanel):
        template_name = "review/quality_panel.html"

        def get_context_data(self, parent_context=None):
            from constructor.review.quality import score_page

            context = super().get_context_data(parent_context)
            page = self.instance
            context["report"] = score_page(page) if page is not None and page.pk else None
            return context
