"""A service that meets every "must" quality rule, and the admin POST data that submits it."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from constructor.registry.models import ServiceStandard
from constructor.review.workflow import ensure_federal_reviewers
from constructor.services.models import Curator, ServicePage

CODE = "1000000077"


@pytest.fixture
def review_standard(category):
    return ServiceStandard.objects.create(
        code=CODE,
        level="federal",
        title="Единовременное пособие при рождении ребёнка",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие при рождении ребёнка.",
        max_processing_days=10,
        mandatory_blocks=["hero", "timelines"],
    )


@pytest.fixture
def consenting_curator(region):
    return Curator.objects.create(
        region=region,
        full_name="Смирнова Елена Викторовна",
        position="Заместитель министра",
        organisation="Министерство труда",
        photo=Image.objects.create(
            title="Портрет куратора",
            description="Портрет: Смирнова Елена Викторовна",
            file=get_test_image_file(),
            collection=region.collection,
        ),
        consent_to_publish=True,
    )


@pytest.fixture
def reviewer(make_user, db):
    return make_user("federal-reviewer", ensure_federal_reviewers())


@pytest.fixture
def draft_service(region, category, review_standard):
    """A new draft service created from the standard, not yet reviewed."""
    page = ServicePage(
        title="Пособие при рождении ребёнка",
        slug="posobie",
        service_code=CODE,
        code_level="federal",
        category=category,
        agency="Социальный фонд России",
        summary="Пособие при рождении ребёнка.",
        registry_entry=review_standard,
        live=False,
    )
    region.home_page.add_child(instance=page)
    page.save_revision()
    return ServicePage.objects.get(pk=page.pk)


@pytest.fixture
def submit_data(category, review_standard, consenting_curator):
    """The editor's POST of the page editor; ``days`` over 10 breaks the processing-time rule."""

    def build(page, *, days=7, action="action-submit", standard=None):
        standard = standard or review_standard
        data = nested_form_data(
            {
                "title": page.title,
                "slug": page.slug,
                "service_code": standard.code,
                "code_level": "federal",
                "registry_entry": standard.pk,
                "category": category.pk,
                "agency": "Социальный фонд России",
                "summary": "Пособие при рождении ребёнка.",
                "body": streamfield(
                    [
                        (
                            "hero",
                            {
                                "heading": "Пособие при рождении ребёнка",
                                "summary": "Подайте заявление онлайн.",
                                "cta_label": "Подать заявление",
                                "cta_url": "",
                                "online": "on",
                            },
                        ),
                        (
                            "timelines",
                            {
                                "heading": "Сроки",
                                "deadlines": {
                                    "count": 1,
                                    "0": {
                                        "value": {
                                            "stage": "Рассмотрение",
                                            "days": days,
                                            "day_kind": "working",
                                        },
                                        "deleted": "",
                                        "order": 0,
                                    },
                                },
                            },
                        ),
                        (
                            "curator",
                            {
                                "heading": "Куратор услуги",
                                "curator": consenting_curator.pk,
                                "note": "Отвечает за качество услуги.",
                            },
                        ),
                    ]
                ),
                "application_form": streamfield([]),
                "comments": inline_formset([]),
            }
        )
        data[action] = action
        return data

    return build
