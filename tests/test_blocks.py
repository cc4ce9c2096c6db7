"""Every landing block renders what the editor typed, the way a citizen needs to read it."""

import html
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail import blocks
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from blocks.landing import HeroBlock, LandingStreamBlock
from constructor.services.models import Curator

STREAM = LandingStreamBlock()
TEXT_BLOCKS = (blocks.CharBlock, blocks.TextBlock)


def typed_texts(block, value):
    """Every text an editor typed into a block value (char, text and rich-text leaves)."""
    if isinstance(block, blocks.StructBlock):
        for name, child in block.child_blocks.items():
            yield from typed_texts(child, value.get(name))
    elif isinstance(block, blocks.ListBlock):
        for item in value or ():
            yield from typed_texts(block.child_block, item)
    elif isinstance(block, blocks.RichTextBlock):
        text = re.sub(r"<[^>]+>", "", value.source if value else "")
        if text:
            yield text
    elif isinstance(block, TEXT_BLOCKS) and value:
        yield str(value)


def visible_text(rendered):
    return html.unescape(re.sub(r"<[^>]+>", " ", str(rendered)))


PREVIEWED = [
    name for name, block in STREAM.child_blocks.items() if hasattr(block.meta, "preview_value")
]


@pytest.mark.parametrize("name", PREVIEWED)
def test_block_renders_everything_the_editor_typed(db, name):
    block = STREAM.child_blocks[name]
    value = block.get_preview_value()
    rendered = block.render(value)
    texts = list(typed_texts(block, value))
    assert texts, f"{name} has no text in its preview value"
    flat = re.sub(r"\s+", " ", visible_text(rendered)).replace("\u00a0", " ")
    for text in texts:
        assert re.sub(r"\s+", " ", text).strip() in flat, f"{name} lost {text!r}"


def test_every_block_has_template_icon_description_and_preview():
    for name, block in STREAM.child_blocks.items():
        assert block.meta.template.startswith("blocks/"), name
        assert block.meta.icon, name
        assert block.meta.description, name
        if name not in ("curator", "document_download"):  # they need database objects
            assert hasattr(block.meta, "preview_value"), name


def test_free_fee_reads_as_free_and_amounts_as_roubles(db):
    block = STREAM.child_blocks["fees"]
    value = block.to_python(
        {
            "heading": "Сколько стоит",
            "fees": [
                {"purpose": "Регистрация ИП на бумаге", "amount": "800"},
                {"purpose": "Электронная подача", "amount": "0"},
                {"purpose": "Выписка", "amount": "1300.50"},
            ],
            "exemptions": [],
        }
    )
    text = visible_text(block.render(value)).replace("\u00a0", " ")
    assert "800 ₽" in text
    assert "Бесплатно" in text
    assert "1 300,50 ₽" in text


@pytest.mark.parametrize(
    ("days", "kind", "expected"),
    [
        (1, "working", "1 рабочий день"),
        (3, "working", "3 рабочих дня"),
        (5, "working", "5 рабочих дней"),
        (11, "working", "11 рабочих дней"),
        (21, "calendar", "21 календарный день"),
        (30, "calendar", "30 календарных дней"),
    ],
)
def test_deadlines_use_russian_plurals(db, days, kind, expected):
    block = STREAM.child_blocks["timelines"]
    value = block.to_python(
        {"heading": "Сроки", "deadlines": [{"stage": "Решение", "days": days, "day_kind": kind}]}
    )
    assert expected in visible_text(block.render(value)).replace("\u00a0", " ")


def test_documents_the_agency_obtains_are_listed_apart(db):
    block = STREAM.child_blocks["documents"]
    value = block.to_python(
        {
            "heading": "Документы",
            "documents": [
                {"title": "Паспорт", "original_required": True},
                {"title": "Свидетельство о рождении", "obtained_by_agency": True},
            ],
        }
    )
    text = visible_text(block.render(value))
    you_bring = text.index("Документы, которые вы предоставляете")
    agency_gets = text.index("Документы, которые ведомство запросит само")
    assert you_bring < text.index("Паспорт") < agency_gets < text.index("Свидетельство о рождении")


def test_faq_is_a_native_disclosure_widget(db):
    block = STREAM.child_blocks["faq"]
    rendered = str(block.render(block.get_preview_value()))
    assert rendered.count("<details") == rendered.count("<summary") == 1


def test_legal_act_date_is_written_the_russian_way(db):
    block = STREAM.child_blocks["legal_basis"]
    text = visible_text(block.render(block.get_preview_value()))
    assert "29 декабря 2012" in text
    assert "273-ФЗ" in text


def _photo(name="curator"):
    buffer = io.BytesIO()
    PILImage.new("RGB", (300, 300), (90, 120, 160)).save(buffer, "PNG")
    return get_image_model().objects.create(title=name, file=ImageFile(buffer, name=f"{name}.png"))


@pytest.fixture
def curator(region):
    return Curator.objects.create(
        region=region,
        full_name="Смирнова Анна Викторовна",
        position="Заместитель министра образования",
        organisation="Министерство образования и науки Калужской области",
        photo=_photo(),
        email="smirnova@example.ru",
        consent_to_publish=True,
    )


def test_curator_with_consent_is_shown_with_name_and_photo(curator):
    block = STREAM.child_blocks["curator"]
    rendered = str(block.render(block.to_python({"heading": "Куратор", "curator": curator.pk})))
    assert "Смирнова Анна Викторовна" in rendered
    assert re.search(r'<img[^>]+alt="Смирнова Анна Викторовна"', rendered)
    assert "fill-240x240" in rendered


def test_curator_without_consent_shows_only_the_position(curator):
    curator.consent_to_publish = False
    curator.save()
    block = STREAM.child_blocks["curator"]
    rendered = str(block.render(block.to_python({"heading": "Куратор", "curator": curator.pk})))
    assert "Заместитель министра образования" in rendered
    assert "Смирнова" not in rendered
    assert "<img" not in rendered
    assert "smirnova@example.ru" not in rendered


def test_document_download_shows_format_and_size(db):
    document = get_document_model().objects.create(
        title="Бланк заявления", file=ContentFile(b"%PDF-1.4\n" + b"0" * 2048, name="blank.pdf")
    )
    block = STREAM.child_blocks["document_download"]
    rendered = visible_text(block.render(block.to_python({"document": document.pk})))
    assert "Бланк заявления" in rendered
    assert "PDF" in rendered
    assert "КБ" in rendered


@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,x", "ftp://x"])
def test_hero_link_must_be_a_web_or_page_link(link):
    block = HeroBlock()
    value = block.to_python({"heading": "Услуга", "summary": "Кратко", "cta_url": link})
    with pytest.raises(blocks.StructBlockValidationError) as error:
        block.clean(value)
    assert "cta_url" in error.value.block_errors


@pytest.mark.parametrize("link", ["", "/apply/", "#steps", "https://www.gosuslugi.ru/600101"])
def test_hero_accepts_page_section_and_web_links(link):
    block = HeroBlock()
    value = block.to_python({"heading": "Услуга", "summary": "Кратко", "cta_url": link})
    assert block.clean(value)["cta_url"] == link
