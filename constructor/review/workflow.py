"""The review workflow every region's pages go through: quality check, then federal approval.

``ensure_review_workflow`` is idempotent like ``create_region``: it makes the federal reviewers'
group, the two tasks and the workflow when missing, and changes nothing that is already right.
``ensure_region_review`` puts one region under it: the workflow on the region's home page and
no publish permission for the region's staff, so a page goes live only through review.
"""

from wagtail.models import GroupPagePermission, Workflow, WorkflowPage, WorkflowTask

from constructor.review.models import FederalReviewTask, QualityCheckTask
from sites.permissions import FEDERAL_REVIEWERS_GROUP, ensure_group, is_superuser_or_in_group

# Names are data, not UI text: they are looked up by them, whatever the admin's language.
WORKFLOW_NAME = "Проверка услуги"
QUALITY_TASK_NAME = "Автоматическая проверка качества"
REVIEW_TASK_NAME = "Согласование федеральными проверяющими"
REVIEWER_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    ("registry", "view_servicestandard"),
    ("registry", "view_lifesituation"),
]
# Regional staff never publish: publishing is what the workflow does on approval.
REVOKED_REGIONAL_PAGE_PERMISSIONS = ["publish_page"]


def ensure_federal_reviewers():
    return ensure_group(FEDERAL_REVIEWERS_GROUP, REVIEWER_PERMISSIONS)


def is_federal_reviewer(user):
    return is_superuser_or_in_group(user, FEDERAL_REVIEWERS_GROUP)


def ensure_review_workflow():
    reviewers = ensure_federal_reviewers()
    quality_task = QualityCheckTask.objects.filter(name=QUALITY_TASK_NAME).first()
    if quality_task is None:
        quality_task = QualityCheckTask.objects.create(name=QUALITY_TASK_NAME)
    review_task = FederalReviewTask.objects.filter(name=REVIEW_TASK_NAME).first()
    if review_task is None:
        review_task = FederalReviewTask.objects.create(name=REVIEW_TASK_NAME)
    review_task.groups.add(reviewers)

    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    if not workflow.active:
        workflow.active = True
        workflow.save(update_fields=["active"])
    for order, task in enumerate((quality_task, review_task)):
        WorkflowTask.objects.update_or_create(
            workflow=workflow, task=task, defaults={"sort_order": order}
        )
    return workflow


def ensure_region_review(region):
    workflow = ensure_review_workflow()
    WorkflowPage.objects.update_or_create(
        page=region.site.root_page, defaults={"workflow": workflow}
    )
    GroupPagePermission.objects.filter(
        group__in=[region.editors_id, region.moderators_id],
        permission__codename__in=REVOKED_REGIONAL_PAGE_PERMISSIONS,
        permission__content_type__app_label="wagtailcore",
    ).delete()
    return workflow


def ensure_review_when_region_ready(sender, region, **kwargs):
    """``sites.signals.region_ready``: the region's pages go live only through review."""
    ensure_region_review(region)


def ensure_review_after_migrate(sender, **kwargs):
    """Existing regions come under review on the next migrate, without a data migration."""
    from sites.models import Region

    ensure_review_workflow()
    for region in Region.objects.select_related("site"):
        ensure_region_review(region)
