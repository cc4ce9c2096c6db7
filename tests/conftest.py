import pytest
from wagtail.models import Page

from sites.regions import create_region


@pytest.fixture
def region(db):
    return create_region("Калужская область", "kaluga", "40").region


@pytest.fixture
def other_region(db):
    return create_region("Тульская область", "tula", "71").region


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()
