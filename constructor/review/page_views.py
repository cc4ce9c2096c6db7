"""Wagtail's page views for service pages, with the review's parts added.

- the editor shows an open change request above the form (``change_requests``);
- a reviewer's decision, from the editor or the dashboard, ends in one message saying what
  became of the page (``decisions``), and the editor sends the reviewer to the review queue:
  once their task is done, the page may be closed to them;
- the version comparison is open to the page's reviewers and shows a new page whole
  (``compare``).

Wagtail routes every page URL to the viewset registered for the page's type, so these views
answer Wagtail's own URLs and every link to them.
"""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.pages.edit import EditView
from wagtail.admin.views.pages.workflow import WorkflowActionView
from wagtail.admin.viewsets.pages import PageViewSet

from constructor.review.change_requests import open_change_request
from constructor.review.compare import ServicePageCompareView
from constructor.review.decisions import tell_decision
from constructor.services.models import ServicePage

EDIT_TEMPLATE = "wagtailadmin/pages/edit.html"


class ServicePageEditView(EditView):
    decided_task_state = None

    def get_template_names(self):
        names = super().get_template_names()
        return ["review/service_page_edit.html"] if names == [EDIT_TEMPLATE] else names

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["change_request"] = open_change_request(self.page)
        return context

    def perform_workflow_action(self):
        self.decided_task_state = self.page.current_workflow_task_state
        return super().perform_workflow_action()

    def add_save_confirmation_message(self):
        if self.decided_task_state is not None and tell_decision(
            self.request, self.decided_task_state, self.workflow_action
        ):
            return
        super().add_save_confirmation_message()

    def redirect_away(self):
        if self.decided_task_state is not None and not self.next_url:
            return redirect("review_queue")
        return super().redirect_away()


class ServicePageWorkflowActionView(WorkflowActionView):
    def get_redirect_url(self):
        # Wagtail's default is the page editor, which the decision has just closed.
        return get_valid_next_url_from_request(self.request) or reverse("review_queue")

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        tell_decision(request, self.task_state, self.action_name)
        return response


class ServicePageViewSet(PageViewSet):
    model = ServicePage
    edit_view_class = ServicePageEditView
    workflow_action_view_class = ServicePageWorkflowActionView
    revisions_compare_view_class = ServicePageCompareView
