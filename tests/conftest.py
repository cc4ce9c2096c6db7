import pytest
from wagtail.models import Page

from sites.regions import create_region

# What makes a test one that uses the database (pytest-django's fixtures and marker).
DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences", "live_server"}


def pytest_configure(config):
    """pytest's own temporary folders go under .cache/pytest, not the system's temp folder.

    A failed test's folder stays there to look at (``tmp_path_retention_policy``); the next run
    clears it. xdist's workers get a folder of their own below the one given here.
    """
    if config.option.basetemp is None and not hasattr(config, "workerinput"):
        (config.rootpath / ".cache").mkdir(exist_ok=True)
        config.option.basetemp = str(config.rootpath / ".cache" / "pytest")


def pytest_addoption(parser):
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help=(
            "run only the tests that use the database: the second run of the suite, on "
            "PostgreSQL, repeats those; the others never touch it and ran once already"
        ),
    )


def uses_database(item):
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    if item.get_closest_marker("django_db") is not None:
        return True
    from django.test import TransactionTestCase

    test_class = getattr(item, "cls", None)
    return test_class is not None and issubclass(test_class, TransactionTestCase)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    if not config.getoption("--database-tests-only"):
        return
    kept = [item for item in items if uses_database(item)]
    config.hook.pytest_deselected(items=[item for item in items if not uses_database(item)])
    items[:] = kept


@pytest.fixture
def region(db):
    return create_region("Калужская область", "kaluga", "40").region


@pytest.fixture
def other_region(db):
    return create_region("Тульская область", "tula", "71").region


@pytest.fixture
def root_page(db):
    return Page.get_first_root_node()


@pytest.fixture
def portal(db):
    """The federal portal at the default site (``localhost``), listing every region."""
    from wagtail.models import Site

    from sites.models import PortalHomePage

    portal = Page.get_first_root_node().add_child(
        instance=PortalHomePage(title="Госуслуги регионов", slug="portal", intro="<p>Все.</p>")
    )
    portal.save_revision().publish()
    Site.objects.filter(is_default_site=True).update(root_page=portal)
    return portal


@pytest.fixture
def make_user(db):
    """A factory for staff users; ``groups`` are the region groups create_region made."""
    from django.contrib.auth import get_user_model

    def make(username, *groups, superuser=False):
        user = get_user_model().objects.create_user(
            username=username,
            password="correct horse battery staple",
            is_superuser=superuser,
            is_staff=superuser,
        )
        user.groups.add(*groups)
        return user

    return make


@pytest.fixture
def editor(region, make_user):
    return make_user("kaluga-editor", region.editors)


@pytest.fixture
def moderator(region, make_user):
    return make_user("kaluga-moderator", region.moderators)


@pytest.fixture
def other_editor(other_region, make_user):
    return make_user("tula-editor", other_region.editors)


@pytest.fixture
def federal_admin(make_user):
    return make_user("federal-admin", superuser=True)


@pytest.fixture
def category(db):
    from constructor.services.models import ServiceCategory

    return ServiceCategory.objects.create(
        name="Семья и дети",
        slug="family",
        description="Рождение, детский сад, школа",
        sort_order=10,
    )


@pytest.fixture
def other_category(db):
    from constructor.services.models import ServiceCategory

    return ServiceCategory.objects.create(name="Бизнес", slug="business", sort_order=20)


@pytest.fixture
def make_service(db):
    """A factory for published ServicePages under a region's home page, built in code."""
    from constructor.services.models import ServicePage

    def make(region, title, category, code, *, body=None, live=True, summary=None):
        service = ServicePage(
            title=title,
            service_code=code,
            code_level="regional",
            category=category,
            agency="Министерство образования региона",
            summary=summary or f"{title}: подайте заявление онлайн.",
            body=body
            or [{"type": "hero", "value": {"heading": title, "summary": "Подайте онлайн."}}],
            live=live,
        )
        region.home_page.add_child(instance=service)
        revision = service.save_revision()
        if live:
            revision.publish()
        service.refresh_from_db()
        return service

    return make


@pytest.fixture
def service_page_form_data():
    """Builds the admin's POST data for a ServicePage, the way the page editor submits it."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    def build(title, code, category, *, slug=None, hero_heading=None, publish=False):
        data = nested_form_data(
            {
                "title": title,
                "slug": slug or f"service-{code}",
                "service_code": code,
                "code_level": "regional",
                "category": category.pk,
                "agency": "Министерство образования Калужской области",
                "summary": f"{title}: подайте заявление онлайн.",
                "body": streamfield(
                    [
                        (
                            "hero",
                            {
                                "heading": title if hero_heading is None else hero_heading,
                                "summary": "Подайте заявление онлайн и следите за статусом.",
                                "cta_label": "Подать заявление",
                                "cta_url": "",
                                "online": "on",
                            },
                        )
                    ]
                ),
                "application_form": streamfield([]),
                "comments": inline_formset([]),
            }
        )
        if publish:
            data["action-publish"] = "action-publish"
        return data

    return build
