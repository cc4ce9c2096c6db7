"""The admin names every model and field in Russian, and says what Wagtail composes correctly."""

import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils.translation import gettext
from wagtail import blocks
from wagtail.admin.viewsets import viewsets
from wagtail.admin.viewsets.model import ModelViewSet

from blocks.contacts import CuratorChooserBlock
from constructor.admin_wording import (
    CREATE_TITLE,
    WORDINGS,
    WordedSnippetChooser,
    WordedViewSetMixin,
    YesNoColumn,
    wording_for,
)
from constructor.integrations.models import Agency, Integration
from constructor.services.models import Curator, ServiceCategory

OUR_APPS = {
    "services",
    "registry",
    "integrations",
    "applications",
    "formbuilder",
    "review",
    "regions",
}
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def our_models():
    return [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


# Fields an abstract Wagtail model declares on ours, with Wagtail's own name.
WAGTAIL_DECLARED = {("regions.RegionBranding", "site")}


def named_by_us(model, field):
    """Not a key, not a parent link, not a field Wagtail declares: a field we named."""
    return not (
        field.primary_key
        or getattr(field.remote_field, "parent_link", False)
        or field.model is not model
        or (model._meta.label, field.name) in WAGTAIL_DECLARED
    )


@pytest.mark.parametrize("model", our_models(), ids=lambda model: model._meta.label)
def test_every_model_and_field_has_a_russian_name(model):
    options = model._meta
    for name in ("verbose_name", "verbose_name_plural"):
        assert name in options.original_attrs, f"{options.label} sets no {name}"
        assert CYRILLIC.search(str(getattr(options, name))), f"{options.label}.{name}"
    for field in options.get_fields():
        if not field.concrete or not named_by_us(model, field):
            continue
        assert CYRILLIC.search(str(field.verbose_name)), f"{options.label}.{field.name}"


def our_listing_viewsets():
    return [
        viewset
        for viewset in viewsets.viewsets
        if isinstance(viewset, ModelViewSet) and viewset.model._meta.app_label in OUR_APPS
    ]


def test_every_admin_listing_of_ours_has_its_wording():
    listed = our_listing_viewsets()
    assert len(listed) >= 7
    for viewset in listed:
        assert isinstance(viewset, WordedViewSetMixin), viewset
        wording = wording_for(viewset.model)
        assert wording is not None, viewset.model
        assert CYRILLIC.search(str(wording.add)), viewset.model


@pytest.mark.parametrize(
    ("model", "phrase"),
    [
        ("integrations.integration", "Добавить интеграцию"),
        ("services.curator", "Добавить куратора услуги"),
        ("services.servicecategory", "Добавить категорию услуг"),
        ("registry.lifesituation", "Добавить жизненную ситуацию"),
    ],
)
def test_add_buttons_name_the_object_in_the_accusative(model, phrase):
    assert str(WORDINGS[model].add) == phrase


@pytest.mark.parametrize(
    ("count", "label"),
    [
        (1, "1 куратор"),
        (2, "2 куратора"),
        (5, "5 кураторов"),
        (11, "11 кураторов"),
        (21, "21 куратор"),
        (24, "24 куратора"),
        (112, "112 кураторов"),
    ],
)
def test_counts_take_the_form_their_number_needs(count, label):
    assert WORDINGS["services.curator"].count % {"count": count} == label


def test_curator_choosers_ask_for_the_curator_in_the_accusative(db):
    for chooser in (WordedSnippetChooser(Curator), CuratorChooserBlock("services.Curator").widget):
        assert str(chooser.choose_one_text) == "Выбрать куратора услуги"
        assert str(chooser.choose_another_text) == "Выбрать другого куратора"
    field = ServiceCategory.snippet_viewset.chooser_viewset.widget_class()
    assert str(field.choose_another_text) == "Выбрать другую категорию услуг"


def test_a_chooser_given_its_texts_keeps_them(db):
    chooser = WordedSnippetChooser(Curator, choose_one_text="Указать куратора")
    assert chooser.choose_one_text == "Указать куратора"


def test_booleans_read_yes_or_no():
    column = YesNoColumn("is_active")
    assert column.get_value(Integration(is_active=True)) == "Да"
    assert column.get_value(Integration(is_active=False)) == "Нет"


def test_create_screens_do_not_guess_the_gender():
    assert str(CREATE_TITLE) == "Добавление"
    assert gettext("New: %(model_name)s") % {"model_name": "Интеграция"} == (
        "Добавление: Интеграция"
    )


def test_choice_blocks_offer_a_russian_empty_choice():
    block = blocks.ChoiceBlock(choices=[("online", "Онлайн")])
    assert block.field.choices[0] == ("", "— Выберите —")


def test_listing_and_filter_chip_say_yes_and_no(client, federal_admin, db):
    agency = Agency.objects.create(
        name="Федеральная налоговая служба", short_name="ФНС", code="fns"
    )
    Integration.objects.create(
        agency=agency, name="Регистрация ИП", code="fns-ip", endpoint_url="https://fns.example/"
    )
    client.force_login(federal_admin)
    listing = client.get(reverse("integration:index"), {"is_active": "true"}).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", listing))
    assert "Добавить интеграцию" in text
    assert "1 интеграция" in text
    assert "Включена: Да" in text
    assert not re.search(r"\b(True|False)\b", text)


def test_saving_says_what_was_saved_whatever_its_gender(client, federal_admin, db):
    client.force_login(federal_admin)
    response = client.post(
        reverse("agency:add"),
        {"name": "Социальный фонд России", "short_name": "СФР", "code": "sfr"},
        follow=True,
    )
    assert "Добавлено: ведомство «СФР»." in response.content.decode()
    agency = Agency.objects.get(code="sfr")
    confirm = client.get(reverse("agency:delete", args=[agency.pk])).content.decode()
    assert "Подтвердите удаление: ведомство." in confirm
