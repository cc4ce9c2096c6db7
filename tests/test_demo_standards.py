"""Every demo standard hands out a complete service: a form, an integration and a mapping.

After ``load_demo``, each registry standard's reference form passes the editor checks and its
mapping the checker, with no error. A regional editor creates a service from each standard
through the admin's «create from standard» view; the draft's form compiles, its mapping check
has no error, and once the region has added what is regional (its curator) the draft goes for
review and passes the automatic quality check on to the federal reviewers. Nothing is typed in
the form or the mapping.
"""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import WorkflowState

from blocks.form import ApplicationFormBlock
from constructor.formbuilder.checks import check_form
from constructor.formbuilder.compiler import compile_form
from constructor.integrations.models import Integration
from constructor.integrations.proof.mapping import rules_from_stream
from constructor.registry.models import ServiceStandard
from constructor.review.models import FederalReviewTask
from constructor.services.mapping import errors, page_mapping_problems, page_problems
from constructor.services.models import Curator, ServicePage
from fixtures.demo.forms import APPLICATION_FORMS
from fixtures.demo.mappings import MAPPINGS
from fixtures.demo.services import SERVICES
from sites.regions import create_region
from tests.editor_data import page_edit_data

CREATE_URL = "registry_create_from_standard"


def load_demo():
    call_command("load_demo", stdout=StringIO())


def form_fields(raw_form):
    schema = compile_form(raw_form)
    return [field for step in schema["layout"]["steps"] for field in step["fields"]]


class DemoStandardTests(TestCase):
    """One loaded demo, shared by the class and rolled back at the end."""

    @classmethod
    def setUpTestData(cls):
        load_demo()
        # A region without demo services: every federal standard can start a service there.
        cls.tver = create_region("Тверская область", "tver", "69").region
        cls.tver_editor = get_user_model().objects.create_user(username="editor-tver")
        cls.tver_editor.groups.add(cls.tver.editors)
        Curator.objects.create(
            region=cls.tver,
            full_name="Белова Ирина Сергеевна",
            position="Заместитель министра цифрового развития Тверской области",
            organisation="Министерство цифрового развития Тверской области",
            photo=Image.objects.create(
                title="Белова Ирина Сергеевна",
                description="Портрет: Белова Ирина Сергеевна",
                file=get_test_image_file(),
                collection=cls.tver.collection,
            ),
            consent_to_publish=True,
        )

    def standards(self):
        standards = list(ServiceStandard.objects.select_related("integration", "region"))
        assert len(standards) == len({service["code"] for service in SERVICES})
        return standards

    def test_every_demo_standard_has_a_reference_that_compiles_and_maps(self):
        form_block = ApplicationFormBlock()
        for standard in self.standards():
            with self.subTest(standard=standard.code):
                raw_form = list(standard.application_form.raw_data)
                assert form_fields(raw_form), "the standard has no reference form"
                assert check_form(raw_form) == []
                form_block.clean(standard.application_form)  # what the admin's save runs
                assert standard.integration is not None
                assert standard.payload_mapping.raw_data
                problems = page_mapping_problems(
                    raw_form, list(standard.payload_mapping.raw_data), standard.integration
                )
                assert errors(problems) == [], [str(p.message) for p in errors(problems)]

    def test_references_are_the_demo_forms_and_mappings_of_their_services(self):
        slugs = {}
        for service in SERVICES:
            slugs.setdefault(service["code"], service["slug"])
        for standard in self.standards():
            slug = slugs[standard.code]
            mapping = MAPPINGS[slug]
            assert compile_form(list(standard.application_form.raw_data)) == compile_form(
                APPLICATION_FORMS[slug]
            )
            assert standard.integration.code == mapping["integration"]
            assert list(standard.payload_mapping.raw_data) == mapping["rules"]

    def region_and_editor(self, standard):
        """Where a regional editor may start this service: a region that does not run it yet."""
        if standard.region_id is None:
            return self.tver, self.tver_editor
        region = standard.region
        # The demo region already runs this regional service: it starts over from the standard.
        for page in ServicePage.objects.child_of(region.home_page).filter(
            service_code=standard.code
        ):
            page.delete()
        return region, get_user_model().objects.get(username=f"editor-{region.slug}")

    def create_from(self, standard):
        region, editor = self.region_and_editor(standard)
        self.client.force_login(editor)
        response = self.client.post(
            reverse(CREATE_URL), {"standard": standard.pk, "region": region.pk}
        )
        assert response.status_code == 302, response.context["form"].errors
        page = ServicePage.objects.child_of(region.home_page).get(service_code=standard.code)
        assert response["Location"] == reverse("wagtailadmin_pages:edit", args=[page.pk])
        return region, page

    def test_a_service_from_each_standard_maps_and_goes_to_review_untouched(self):
        for standard in self.standards():
            with self.subTest(standard=standard.code):
                region, page = self.create_from(standard)
                assert not page.live and page.registry_entry == standard
                raw_form = list(page.application_form.raw_data)
                assert check_form(raw_form) == []
                assert form_fields(raw_form) == form_fields(
                    list(standard.application_form.raw_data)
                )
                assert page.integration == standard.integration
                assert errors(page_problems(page)) == []
                # New blocks for the page: nothing it does later touches the standard.
                assert {b.id for b in page.payload_mapping}.isdisjoint(
                    b.id for b in standard.payload_mapping
                )

                # The region adds its curator and sends the page for review.
                curator = Curator.objects.filter(region=region, consent_to_publish=True).first()
                page.body = [
                    *page.body.raw_data,
                    {
                        "type": "curator",
                        "value": {
                            "heading": "Куратор услуги",
                            "curator": curator.pk,
                            "note": "Отвечает за качество этой услуги в регионе.",
                        },
                    },
                ]
                edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
                response = self.client.post(edit_url, page_edit_data(page))
                assert response.status_code == 302, (
                    response.context and response.context["form"].errors
                )
                state = WorkflowState.objects.filter(object_id=str(page.pk)).latest("pk")
                assert state.status == WorkflowState.STATUS_IN_PROGRESS
                assert isinstance(state.current_task_state.task.specific, FederalReviewTask), (
                    state.current_task_state.comment
                )
                submitted = ServicePage.objects.get(pk=page.pk).get_latest_revision_as_object()
                assert compile_form(list(submitted.application_form.raw_data)) == compile_form(
                    raw_form
                )
                assert rules_from_stream(submitted.payload_mapping.raw_data) == rules_from_stream(
                    standard.payload_mapping.raw_data
                )

    def test_a_standard_loaded_before_references_gets_one_and_an_admins_stays(self):
        bare = ServiceStandard.objects.get(code="5400000302")
        bare.integration = None
        bare.application_form = []
        bare.payload_mapping = []
        bare.save()
        own = ServiceStandard.objects.get(code="1000000031")
        own.payload_mapping = list(own.payload_mapping.raw_data)[:-1]
        own.save()
        load_demo()
        bare.refresh_from_db()
        own.refresh_from_db()
        assert bare.integration == Integration.objects.get(code="hunting-permit")
        assert list(bare.payload_mapping.raw_data) == MAPPINGS["razreshenie-na-dobychu"]["rules"]
        assert len(own.payload_mapping.raw_data) == len(MAPPINGS["vypiska-iz-egrn"]["rules"]) - 1

    def test_a_schema_a_standard_maps_onto_is_the_admins_to_change(self):
        integration = Integration.objects.get(code="hunting-permit")
        ServicePage.objects.filter(integration=integration).update(integration=None)
        integration.payload_schema = {**integration.payload_schema, "title": "Изменено"}
        integration.save()
        load_demo()
        integration.refresh_from_db()
        assert integration.payload_schema["title"] == "Изменено"
