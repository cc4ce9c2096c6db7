import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from wagtail.models import Collection, GroupPagePermission, Site

from sites.models import Region
from sites.regions import create_region


def test_create_region_makes_site_tree_collection_and_groups(region):
    assert region.site.hostname == "kaluga.localhost"
    assert region.site.root_page.specific.__class__.__name__ == "RegionHomePage"
    assert region.collection.name == "Калужская область"
    assert GroupPagePermission.objects.filter(
        group=region.editors, page=region.site.root_page
    ).exists()


def test_create_region_twice_changes_nothing(region):
    counts = (Region.objects.count(), Site.objects.count(), Collection.objects.count())
    again = create_region("Калужская область", "kaluga", "40")
    assert not again.created
    assert again.region.pk == region.pk
    assert (Region.objects.count(), Site.objects.count(), Collection.objects.count()) == counts


@pytest.mark.parametrize("slug", ["-kaluga", "kaluga-", "калуга", "ka_luga", "a" * 64, ""])
def test_region_slug_must_be_a_hostname_label(db, slug):
    with pytest.raises(ValidationError) as error:
        create_region("Калужская область", slug, "40")
    assert "slug" in error.value.message_dict
    assert not Region.objects.exists()


def test_create_region_command_is_idempotent(db, capsys):
    call_command("create_region", "tula", "Тульская область", "71")
    call_command("create_region", "tula", "Тульская область", "71")
    assert Region.objects.filter(slug="tula").count() == 1
