"""The demo services are mapped onto the demo integrations, and the mappings really work.

For every mapped demo page: the checker finds no error in its live form x live mapping x
agency schema, and a realistic filled-in application (accepted by the page's FormVersion)
becomes a payload that the agency schema accepts.
"""

import datetime
from io import StringIO

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Revision

from constructor.formbuilder.compiler import compile_form
from constructor.formbuilder.identifiers import snils_check_number
from constructor.formbuilder.models import live_form_version
from constructor.formbuilder.validation import validate_answers
from constructor.integrations.models import Integration
from constructor.integrations.proof.checker import check_mapping
from constructor.integrations.proof.mapping import (
    SystemContext,
    build_payload,
    payload_errors,
    rules_from_stream,
)
from constructor.registry.models import ServiceStandard
from constructor.services.models import ServicePage
from fixtures.demo.agencies import INTEGRATIONS
from fixtures.demo.forms import APPLICATION_FORMS
from fixtures.demo.mappings import MAPPINGS
from sites.models import Region

TODAY = datetime.date.today()


def load_demo():
    call_command("load_demo", stdout=StringIO())


def snils(first_nine):
    return f"{first_nine}{snils_check_number(first_nine):02d}"


def years_ago(years, month=3, day=14):
    return datetime.date(TODAY.year - years, month, day).isoformat()


def months_ago(months):
    return (TODAY - datetime.timedelta(days=30 * months)).isoformat()


NEXT_SEPTEMBER = datetime.date(TODAY.year + 1, 9, 1).isoformat()
MOTHER = {"surname": "Петрова", "given_name": "Мария", "patronymic": "Ивановна"}
CHILD = {"surname": "Петров", "given_name": "Иван", "patronymic": "Сергеевич"}
BIRTH_CERTIFICATE = {
    "birth_certificate_series": "II-НК",
    "birth_certificate_number": "654321",
    "birth_certificate_date": months_ago(1),
    "birth_certificate_office": "Отдел ЗАГС администрации г. Калуги",
}

APPLICANT = {
    "applicant_name": MOTHER,
    "applicant_snils": snils("112233445"),
    "applicant_phone": "+79105551234",
    "applicant_email": "petrova@example.ru",
}
BANK = {"bik": "044525225", "account": "40817810938160925982"}

ANSWERS = {
    "zapis-v-detskiy-sad": {
        "applicant_name": MOTHER,
        "applicant_snils": snils("112233445"),
        "applicant_phone": "+79105551234",
        "applicant_email": "petrova@example.ru",
        "child_name": CHILD,
        "child_birth_date": years_ago(2),
        "child_snils": snils("156789012"),
        **{**BIRTH_CERTIFICATE, "birth_certificate_date": years_ago(2, day=20)},
        "has_siblings": True,
        "siblings": [
            {
                "sibling_name": {"surname": "Петрова", "given_name": "Анна"},
                "sibling_birth_date": years_ago(5),
            }
        ],
        "kindergartens": ["ds_15", "ds_42"],
        "desired_date": NEXT_SEPTEMBER,
        "group_type": "combined",
        "full_day": True,
        "has_benefit": True,
        "benefit": "priority",
        "benefit_document": [
            {
                "id": "b9d7c6f2-3a41-4d8e-9a55-1c2d3e4f5a6b",
                "name": "spravka.pdf",
                "size": 48213,
                "content_type": "application/pdf",
            }
        ],
        "consent": True,
    },
    "registraciya-ip": {
        "surname": "Смирнов",
        "given_name": "Алексей",
        "patronymic": "Викторович",
        "inn": "500100732259",
        "birth_date": "1990-05-17",
        "birth_place": "гор. Калуга",
        "passport": {
            "series": "2910",
            "number": "123456",
            "issue_date": "2010-06-01",
            "issuer_code": "400-003",
        },
        "passport_issuer": "Отделом УФМС России по Калужской области в Ленинском округе г. Калуги",
        "address": {
            "postcode": "248000",
            "region": "Калужская область",
            "locality": "Калуга",
            "street": "улица Кирова",
            "house": "21",
            "flat": "14",
        },
        "phone": "+79106667788",
        "main_okved": "okved-62-01",
        "extra_okved": ["okved-47-91", "okved-73-11"],
        "email": "smirnov.ip@example.ru",
        "document_delivery": "inspection",
        "consent": True,
    },
    "posobie-pri-rozhdenii": {
        "applicant_name": MOTHER,
        "applicant_snils": snils("112233445"),
        "applicant_phone": "+79105551234",
        "child_name": CHILD,
        "child_birth_date": months_ago(1),
        **BIRTH_CERTIFICATE,
        "bank": {"bik": "044525225", "account": "40817810938160925982"},
        "consent": True,
    },
    "vypiska-iz-egrn": {
        "cadastral_number": "71:30:030217:123",
        "extract_type": "perehod",
        "applicant_name": {"surname": "Кузнецов", "given_name": "Олег"},
        "applicant_snils": snils("123456789"),
        "email": "kuznetsov@example.ru",
        "consent": True,
    },
    "edinoe-posobie": {
        **APPLICANT,
        "basis": "children",
        "children": [
            {
                "child_name": CHILD,
                "child_birth_date": years_ago(3),
                "child_snils": snils("156789012"),
            }
        ],
        "bank": BANK,
        "consent": True,
    },
    "kompensaciya-roditelskoy-platy": {
        **APPLICANT,
        "child_name": CHILD,
        "child_birth_date": years_ago(4),
        "child_order": "second",
        "kindergarten_name": "МБДОУ № 15 «Солнышко»",
        "contract_number": "15/2024-117",
        "contract_date": months_ago(6),
        "bank": BANK,
        "consent": True,
    },
    "regionalnyy-materinskiy-kapital": {
        **APPLICANT,
        "applicant_birth_date": "1991-04-12",
        "applicant_role": "mother",
        "passport": {
            "series": "2911",
            "number": "654321",
            "issue_date": "2011-05-20",
            "issuer_code": "400-003",
        },
        "passport_issuer": "Отделом УФМС России по Калужской области в г. Калуге",
        "address": {
            "postcode": "248001",
            "region": "Калужская область",
            "locality": "Калуга",
            "street": "улица Ленина",
            "house": "10",
        },
        "children": [
            {"child_name": {"surname": "Петрова", "given_name": name}, "child_birth_date": born}
            for name, born in (
                ("Анна", years_ago(7)),
                ("Ольга", years_ago(4)),
                ("Вера", months_ago(2)),
            )
        ],
        "consent": True,
    },
    "okhotnichiy-bilet": {
        "full_name": {"surname": "Зуев", "given_name": "Игорь", "patronymic": "Петрович"},
        "birth_date": "1985-09-02",
        "birth_place": "гор. Бердск Новосибирской обл.",
        "passport": {
            "series": "5005",
            "number": "123456",
            "issue_date": "2010-10-01",
            "issuer_code": "540-005",
        },
        "passport_issuer": "Отделом УФМС России по Новосибирской области в г. Бердске",
        "address": {
            "postcode": "633010",
            "region": "Новосибирская область",
            "locality": "Бердск",
            "street": "улица Ленина",
            "house": "12",
            "flat": "7",
        },
        "phone": "+79135551234",
        "email": "zuev@example.ru",
        "reason": "lost",
        "lost_circumstances": "Билет утерян на рыбалке на Бердском заливе в мае.",
        "photo": [
            {
                "id": "c1d2e3f4-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "name": "photo.jpg",
                "size": 120334,
                "content_type": "image/jpeg",
            }
        ],
        "declaration": True,
        "consent": True,
    },
    "razreshenie-na-dobychu": {
        "full_name": {"surname": "Зуев", "given_name": "Игорь"},
        "licence_number": "54 123456",
        "licence_date": "2019-08-15",
        "phone": "+79135551234",
        "email": "zuev@example.ru",
        "resource": "elk",
        "quantity": 1,
        "hunting_ground": "iskitim",
        "hunt_start": datetime.date(TODAY.year + 1, 10, 1).isoformat(),
        "hunt_end": datetime.date(TODAY.year + 1, 12, 31).isoformat(),
        "consent": True,
    },
    "socialnaya-karta-lgotnyy-proezd": {
        **APPLICANT,
        "applicant_birth_date": "1958-02-11",
        "benefit_category": "labour_veteran",
        "veteran_certificate": "Т-II № 123456",
        "issue_office": "mfc_berdsk",
        "consent": True,
    },
    "razreshenie-na-stroitelstvo": {
        "developer_kind": "organisation",
        "organisation_name": "ООО «Тульский домостроительный комбинат»",
        "developer_inn": "7707083893",
        "developer_ogrn": "1027700132195",
        "contact_name": {"surname": "Орлов", "given_name": "Сергей", "patronymic": "Юрьевич"},
        "contact_phone": "+74872555123",
        "contact_email": "orlov@tdsk.example.ru",
        "object_name": "Многоквартирный жилой дом со встроенными помещениями",
        "works": "construction",
        "land_cadastral_number": "71:30:030217:123",
        "urban_plan_number": "РФ-71-3-26-0-00-2024-0123",
        "expertise_number": "71-2-1-3-012345-2024",
        "floors": 9,
        "total_area": 5420.5,
        "project_documents": [
            {
                "id": "d2e3f4a5-6b7c-4d8e-9f0a-1b2c3d4e5f6a",
                "name": "project.pdf",
                "size": 4821133,
                "content_type": "application/pdf",
            }
        ],
        "consent": True,
    },
    "gradostroitelnyy-plan": {
        **APPLICANT,
        "cadastral_number": "71:14:030101:456",
        "plot_location": "Тульская обл., Ленинский р-н, д. Фёдоровка, ул. Садовая, участок 12",
        "right": "perpetual_use",
        "consent": True,
    },
    "zemelnyy-uchastok-mnogodetnym": {
        **APPLICANT,
        "applicant_birth_date": "1988-07-30",
        "passport": {
            "series": "7008",
            "number": "246810",
            "issue_date": "2008-08-14",
            "issuer_code": "710-001",
        },
        "passport_issuer": "Отделом УФМС России по Тульской области в г. Туле",
        "address": {
            "postcode": "300041",
            "region": "Тульская область",
            "locality": "Тула",
            "street": "проспект Ленина",
            "house": "45",
            "flat": "12",
        },
        "has_spouse": True,
        "spouse_name": {"surname": "Петров", "given_name": "Сергей", "patronymic": "Иванович"},
        "spouse_snils": snils("198765432"),
        "children": [
            {
                "child_name": {"surname": "Петров", "given_name": name},
                "child_birth_date": born,
                **({"child_snils": snils("145678923")} if name == "Иван" else {}),
            }
            for name, born in (
                ("Иван", years_ago(9)),
                ("Пётр", years_ago(6)),
                ("Павел", years_ago(1)),
            )
        ],
        "purpose": "izhs",
        "preferred_area": "Ленинский район",
        "consent": True,
    },
}


def system_context(page, version):
    region = Region.objects.get(site__root_page=page.get_parent())
    return SystemContext(
        number=f"{region.code}-2026-000123",
        submitted_at=timezone.localtime(),
        region_code=region.code,
        form_version=version.number,
        service_code=page.service_code,
    )


def payload_for(page, answers):
    version = live_form_version(page)
    assert validate_answers(version, answers) == []
    rules = rules_from_stream(page.payload_mapping.raw_data)
    return build_payload(version.schema, rules, answers, system_context(page, version))


class DemoMappingTests(TestCase):
    """One loaded demo, shared by the class and rolled back at the end."""

    @classmethod
    def setUpTestData(cls):
        load_demo()

    def mapped_pages(self, slug):
        pages = list(ServicePage.objects.live().filter(slug=slug))
        assert pages, slug
        return pages

    def test_every_mapping_has_its_integration_form_and_live_pages(self):
        codes = {data["code"] for data in INTEGRATIONS}
        assert {mapping["integration"] for mapping in MAPPINGS.values()} == codes
        registration_regions = set()
        for slug, mapping in MAPPINGS.items():
            assert slug in APPLICATION_FORMS
            for page in self.mapped_pages(slug):
                assert page.integration.code == mapping["integration"]
                assert list(page.payload_mapping.raw_data) == mapping["rules"]
                if slug == "registraciya-ip":
                    registration_regions.add(page.get_parent().slug)
        assert len(registration_regions) == 3

    def test_egrn_extract_service_is_published_in_tula_by_rosreestr(self):
        page = ServicePage.objects.live().get(slug="vypiska-iz-egrn")
        assert page.get_parent().specific.title == "Госуслуги Тульской области"
        assert page.title == "Предоставление сведений из ЕГРН (выписка)"
        assert "Росреестр" in page.agency
        acts = [block.value for block in page.body if block.block_type == "legal_basis"]
        assert acts and "218-ФЗ" in str(acts[0])

    def test_live_mappings_have_no_errors(self):
        for slug in MAPPINGS:
            for page in self.mapped_pages(slug):
                version = live_form_version(page)
                assert version.schema == compile_form(APPLICATION_FORMS[slug])
                problems = check_mapping(
                    version.schema,
                    rules_from_stream(page.payload_mapping.raw_data),
                    page.integration.payload_schema,
                )
                errors = [p for p in problems if p.severity == "error"]
                assert errors == [], (page.url_path, [p.message for p in errors])

    def test_only_expected_warnings_remain(self):
        found = set()
        for slug in MAPPINGS:
            page = self.mapped_pages(slug)[0]
            problems = check_mapping(
                live_form_version(page).schema,
                rules_from_stream(page.payload_mapping.raw_data),
                page.integration.payload_schema,
            )
            found |= {(slug, p.code, p.target or p.source) for p in problems}
        # The address question has no district or building part (the form engine's address
        # type): the Р21001 payload goes without those optional parts.
        assert found == {
            ("registraciya-ip", "optional_unmapped", "/registration_address/district"),
            ("registraciya-ip", "optional_unmapped", "/registration_address/building"),
        }

    def test_realistic_applications_give_valid_payloads(self):
        for slug, answers in ANSWERS.items():
            for page in self.mapped_pages(slug):
                payload = payload_for(page, answers)
                assert payload_errors(page.integration.payload_schema, payload) == [], (
                    page.url_path,
                    payload,
                )

    def test_kindergarten_payload_carries_codes_the_region_system_knows(self):
        page = self.mapped_pages("zapis-v-detskiy-sad")[0]
        payload = payload_for(page, ANSWERS["zapis-v-detskiy-sad"])
        assert payload["preferred_kindergartens"] == ["400015", "400042"]
        assert payload["benefit"] == "priority"
        assert payload["siblings"] == [
            {
                "full_name": {"last_name": "Петрова", "first_name": "Анна"},
                "birth_date": years_ago(5),
            }
        ]
        assert payload["application_date"] == timezone.localdate().isoformat()
        assert payload["portal_number"] == "40-2026-000123"
        assert "benefit_document" not in str(payload) and "consent" not in payload

    def test_kindergarten_defaults_fill_what_the_citizen_was_not_asked(self):
        page = self.mapped_pages("zapis-v-detskiy-sad")[0]
        answers = dict(ANSWERS["zapis-v-detskiy-sad"])
        for key in ("siblings", "benefit", "benefit_document", "group_type"):
            del answers[key]
        answers.update(has_siblings=False, has_benefit=False)
        payload = payload_for(page, answers)
        assert payload_errors(page.integration.payload_schema, payload) == []
        assert (payload["benefit"], payload["group_type"]) == ("none", "general")
        assert "siblings" not in payload

    def test_business_registration_payload_follows_p21001(self):
        for page in self.mapped_pages("registraciya-ip"):
            payload = payload_for(page, ANSWERS["registraciya-ip"])
            region = Region.objects.get(site__root_page=page.get_parent())
            assert payload["citizenship"] == "1"
            assert payload["registration_address"]["region_code"] == region.code
            assert payload["main_okved"] == "62.01"
            assert payload["extra_okved_codes"] == ["47.91", "73.11"]
            assert payload["document_delivery"] == "in_person"
            assert payload["full_name"] == {
                "last_name": "Смирнов",
                "first_name": "Алексей",
                "middle_name": "Викторович",
            }

    def test_egrn_and_allowance_payloads(self):
        page = self.mapped_pages("vypiska-iz-egrn")[0]
        payload = payload_for(page, ANSWERS["vypiska-iz-egrn"])
        assert payload["extract_type"] == "rights_history"
        assert payload["applicant"]["full_name"] == {"last_name": "Кузнецов", "first_name": "Олег"}
        page = self.mapped_pages("posobie-pri-rozhdenii")[0]
        payload = payload_for(page, ANSWERS["posobie-pri-rozhdenii"])
        assert (payload["bik"], payload["bank_account"]) == ("044525225", "40817810938160925982")
        assert "email" not in payload

    def test_every_mapped_service_has_a_realistic_application(self):
        assert set(ANSWERS) == set(MAPPINGS)

    def test_regional_payloads_carry_the_codes_the_agencies_know(self):
        def payload(slug, hidden=(), **changes):
            """The payload of the slug's answers with ``changes``; ``hidden`` questions unasked."""
            answers = {k: v for k, v in {**ANSWERS[slug], **changes}.items() if k not in hidden}
            return payload_for(self.mapped_pages(slug)[0], answers)

        compensation = payload("kompensaciya-roditelskoy-platy")
        assert compensation["child"]["birth_order"] == "2"
        card = payload("socialnaya-karta-lgotnyy-proezd")
        assert (card["benefit_category"], card["issue_office"]) == ("labour_veteran", "540002")
        permit = payload("razreshenie-na-dobychu")
        assert (permit["resource"], permit["hunting_ground_oktmo"]) == ("moose", "50615000")
        capital = payload("regionalnyy-materinskiy-kapital")
        assert capital["residence_address"]["region_code"] == "40"
        assert [child["full_name"]["first_name"] for child in capital["children"]] == [
            "Анна",
            "Ольга",
            "Вера",
        ]
        building = payload("razreshenie-na-stroitelstvo")
        assert building["developer"] == {
            "kind": "legal_entity",
            "inn": "7707083893",
            "ogrn": "1027700132195",
            "name": "ООО «Тульский домостроительный комбинат»",
        }
        land = payload(
            "zemelnyy-uchastok-mnogodetnym", ("spouse_name", "spouse_snils"), has_spouse=False
        )
        assert land["married"] is False and "spouse_last_name" not in land
        licence = payload("okhotnichiy-bilet", ("lost_circumstances",), reason="first")
        assert licence["reason"] == "first_issue" and "loss_circumstances" not in licence

    def test_an_unmapped_demo_page_is_mapped_once_with_the_current_form(self):
        page = self.mapped_pages("posobie-pri-rozhdenii")[0]
        # A demo loaded before the integration layer: an older form, no integration, no rules.
        page.integration = None
        page.payload_mapping = []
        page.application_form = APPLICATION_FORMS["okhotnichiy-bilet"]
        page.save_revision().publish()
        load_demo()
        page = ServicePage.objects.get(pk=page.pk)
        assert page.integration.code == "sfr-birth-allowance"
        assert list(page.payload_mapping.raw_data) == MAPPINGS["posobie-pri-rozhdenii"]["rules"]
        assert live_form_version(page).schema == compile_form(
            APPLICATION_FORMS["posobie-pri-rozhdenii"]
        )
        assert not page.has_unpublished_changes
        revisions = Revision.objects.count()
        load_demo()
        assert Revision.objects.count() == revisions

    def test_a_page_an_editor_is_working_on_is_left_alone(self):
        page = self.mapped_pages("vypiska-iz-egrn")[0]
        page.integration = None
        page.payload_mapping = []
        page.save_revision().publish()
        page.title = "Выписка из ЕГРН — черновик редактора"
        page.save_revision()
        load_demo()
        page = ServicePage.objects.get(pk=page.pk)
        assert page.integration is None and not page.payload_mapping.raw_data

    def test_old_demo_schemas_are_refreshed_only_while_unused(self):
        unused = Integration.objects.get(code="rosreestr-egrn-extract")
        ServicePage.objects.filter(integration=unused).update(integration=None)
        ServiceStandard.objects.filter(integration=unused).update(integration=None)
        unused.payload_schema = {"type": "object"}
        unused.save()
        used = Integration.objects.get(code="fns-ip-registration")
        used.payload_schema = {**used.payload_schema, "title": "Изменено администратором"}
        used.save()
        load_demo()
        unused.refresh_from_db()
        used.refresh_from_db()
        fixture = {data["code"]: data["schema"] for data in INTEGRATIONS}
        assert unused.payload_schema == fixture["rosreestr-egrn-extract"]
        assert used.payload_schema["title"] == "Изменено администратором"
