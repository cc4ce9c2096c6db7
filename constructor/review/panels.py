"""The quality panel at the top of the service page editor: score and unmet rules.

The review puts it there itself (``ReviewConfig.ready``): the service page never imports it.
"""

from wagtail.admin.panels import Panel

from constructor.panels import ReadOnlyPanel


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
