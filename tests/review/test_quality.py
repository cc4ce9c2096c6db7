"""Each quality rule, with a page that passes it and one that fails it."""

import pytest
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from constructor.registry.models import ServiceStandard
from constructor.review.quality import RULES, score_page, working_days
from constructor.services.models import Curator, ServicePage

HERO = {"type": "hero", "value": {"heading": "Пособие", "summary": "Подайте заявление онлайн."}}


def timelines(*deadlines):
    return {
        "type": "timelines",
        "value": {
            "heading": "Сроки",
            "deadlines": [
                {"stage": "Рассмотрение", "days": days, "day_kind": kind}
                for days, kind in deadlines
            ],
        },
    }


def rich_text(html):
    return {"type": "rich_text", "value": html}


def curator_block(curator):
    return {"type": "curator", "value": {"heading": "Куратор услуги", "curator": curator.pk}}


def problems(page, code):
    result = next(r for r in score_page(page).results if r.rule.code == code)
    return result.problems


@pytest.fixture
def standard(category):
    return ServiceStandard.objects.create(
        code="1000000022",
        level="federal",
        title="Единовременное пособие при рождении ребёнка",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие при рождении ребёнка.",
        max_processing_days=10,
        mandatory_blocks=["hero", "timelines"],
    )


@pytest.fixture
def service(region, category, make_service, standard):
    """Builds a live service page linked to the standard, with the given blocks."""

    def build(*body, code="1000000022", linked=True, slug_suffix=""):
        page = make_service(
            region, f"Пособие {slug_suffix}".strip(), category, code, body=list(body)
        )
        if linked:
            page.registry_entry = standard
            page.save()
        return ServicePage.objects.get(pk=page.pk)

    return build


def photo(region, description):
    return Image.objects.create(
        title="Портрет куратора",
        description=description,
        file=get_test_image_file(),
        collection=region.collection,
    )


@pytest.fixture
def good_curator(region):
    return Curator.objects.create(
        region=region,
        full_name="Смирнова Елена Викторовна",
        position="Заместитель министра",
        organisation="Министерство труда",
        photo=photo(region, "Портрет: Смирнова Елена Викторовна"),
        consent_to_publish=True,
    )


def test_every_rule_has_a_code_severity_and_title():
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
    assert all(rule.severity in ("must", "should") and str(rule.title) for rule in RULES)


def test_page_linked_to_its_registry_entry_passes(service):
    assert problems(service(HERO), "registry_entry") == []


def test_page_without_registry_entry_fails_with_link_to_the_field(service):
    found = problems(service(HERO, linked=False), "registry_entry")
    assert len(found) == 1 and found[0].link == "#id_registry_entry"


def test_page_whose_code_differs_from_the_registry_fails(service):
    found = problems(service(HERO, code="1000000099"), "registry_entry")
    assert "1000000099" in found[0].message


def test_mandatory_blocks_present_and_filled_pass(service):
    assert problems(service(HERO, timelines((5, "working"))), "mandatory_blocks") == []


def test_missing_mandatory_block_fails(service):
    found = problems(service(HERO), "mandatory_blocks")
    assert len(found) == 1 and "«" in found[0].message


def test_empty_mandatory_block_fails_with_link_to_the_block(service):
    page = service(HERO, {"type": "timelines", "value": {"heading": "Сроки", "deadlines": []}})
    found = problems(page, "mandatory_blocks")
    assert len(found) == 1 and found[0].link.startswith("#block-")


def test_curator_with_photo_and_consent_passes(service, good_curator):
    assert problems(service(HERO, curator_block(good_curator)), "curator") == []


def test_curator_without_consent_or_photo_fails(service, good_curator):
    good_curator.consent_to_publish = False
    good_curator.photo = None
    good_curator.save()
    found = problems(service(HERO, curator_block(good_curator)), "curator")
    assert len(found) == 2
    assert all(f"/curator/edit/{good_curator.pk}/" in problem.link for problem in found)


def test_page_without_curator_block_fails(service):
    assert len(problems(service(HERO), "curator")) == 1


def test_processing_time_within_the_standard_passes(service):
    page = service(HERO, timelines((1, "working"), (10, "working"), (14, "calendar")))
    assert problems(page, "processing_time") == []


def test_processing_time_over_the_standard_fails(service):
    # 20 calendar days are 15 working days: over the standard's 10.
    found = problems(service(HERO, timelines((20, "calendar"))), "processing_time")
    assert len(found) == 1 and "15" in found[0].message and "10" in found[0].message


def test_calendar_days_convert_to_working_days_rounding_up():
    assert working_days(7, "calendar") == 5
    assert working_days(30, "calendar") == 22
    assert working_days(3, "working") == 3


def test_images_with_alternative_text_pass(service, good_curator):
    assert problems(service(HERO, curator_block(good_curator)), "image_alt_text") == []


def test_image_without_alternative_text_fails_with_link_to_the_image(region, service, good_curator):
    good_curator.photo = photo(region, "")
    good_curator.save()
    found = problems(service(HERO, curator_block(good_curator)), "image_alt_text")
    assert len(found) == 1 and f"/images/{good_curator.photo_id}/" in found[0].link


def test_headings_and_links_with_text_pass(service):
    page = service(HERO, rich_text('<h3>Льготы</h3><p><a href="https://sfr.gov.ru">СФР</a></p>'))
    assert problems(page, "empty_headings_links") == []


def test_empty_heading_and_empty_link_fail(service):
    page = service(HERO, rich_text('<h3> </h3><p>Текст <a href="https://sfr.gov.ru"></a></p>'))
    assert len(problems(page, "empty_headings_links")) == 2


def test_links_to_live_pages_and_routes_pass(region, service, make_service, category):
    target = make_service(region, "Детский сад", category, "4000000001")
    body = [
        {**HERO, "value": {**HERO["value"], "cta_url": "/search/"}},
        rich_text(f'<p><a linktype="page" id="{target.pk}">Детский сад</a></p>'),
    ]
    assert problems(service(*body), "internal_links") == []


def test_links_to_a_draft_page_and_a_missing_path_fail(region, service, make_service, category):
    draft = make_service(region, "Черновик", category, "4000000002", live=False)
    body = [
        {**HERO, "value": {**HERO["value"], "cta_url": "/no-such-page/"}},
        rich_text(f'<p><a linktype="page" id="{draft.pk}">Черновик</a></p>'),
    ]
    found = problems(service(*body), "internal_links")
    assert len(found) == 2 and any("/no-such-page/" in problem.message for problem in found)


def test_plain_russian_text_passes(service):
    page = service(HERO, rich_text("<p>Подайте заявление онлайн. Мы ответим за пять дней.</p>"))
    assert problems(page, "plain_language") == []


def test_long_sentences_and_officialese_fail_with_the_worst_sentence_first(service):
    officialese = (
        "В целях осуществления предоставления государственной услуги заявитель в соответствии "
        "с вышеуказанным административным регламентом представляет в уполномоченный орган "
        "исполнительной власти субъекта Российской Федерации заявление, документы, "
        "подтверждающие полномочия представителя, и иные документы, предусмотренные "
        "данного регламента, по установленной форме."
    )
    page = service(HERO, rich_text(f"<p>{officialese}</p><p>Подайте заявление.</p>"))
    messages = [problem.message for problem in problems(page, "plain_language")]
    assert "В целях осуществления" in messages[0]
    assert any("«в целях»" in message for message in messages)
    assert any("«данный»" in message for message in messages)


def form_step(title, *field_types):
    return {
        "type": "step",
        "value": {
            "key": "step",
            "title": title,
            "fields": [
                {"type": kind, "value": {"key": f"f{n}", "label": "Поле"}}
                for n, kind in enumerate(field_types)
            ],
        },
    }


def with_form(page, *steps):
    page.application_form = list(steps)
    return page


def test_form_rules_skip_a_page_without_a_form(service):
    page = service(HERO)
    if hasattr(page, "application_form"):
        page.application_form = []
    report = score_page(page)
    skipped = {r.rule.code for r in report.results if not r.applies}
    assert {"form_fields_per_step", "form_consent"} <= skipped


def test_form_steps_with_few_fields_pass(service):
    page = with_form(service(HERO), form_step("Заявитель", *["text"] * 10))
    assert problems(page, "form_fields_per_step") == []


def test_form_step_with_too_many_fields_fails(service):
    page = with_form(service(HERO), form_step("Заявитель", *["text"] * 11))
    found = problems(page, "form_fields_per_step")
    assert len(found) == 1 and "11" in found[0].message


def test_personal_data_with_consent_passes(service):
    page = with_form(service(HERO), form_step("Заявитель", "snils"), form_step("Итог", "consent"))
    assert problems(page, "form_consent") == []


def test_personal_data_without_consent_fails(service):
    page = with_form(service(HERO), form_step("Заявитель", "full_name", "passport"))
    assert len(problems(page, "form_consent")) == 1


def test_score_is_100_for_a_good_page_and_lower_for_a_failing_one(service, good_curator):
    good = service(HERO, timelines((5, "working")), curator_block(good_curator), slug_suffix="1")
    bad = service(HERO, slug_suffix="2")
    assert score_page(good).score == 100
    report = score_page(bad)
    assert report.score < 100 and not report.passes_review
    failed = {r.rule.code for r in report.must_failures}
    assert failed == {"mandatory_blocks", "curator", "processing_time"}
