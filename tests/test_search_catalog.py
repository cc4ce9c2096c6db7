"""The public catalog: a region's search and categories, and the federal portal.

Services are built in code (not by the demo loader) and requested through each region's
own host name, the way citizens reach them. Assertions read ``response.context`` so they
pin what is listed, not the markup around it.
"""

import pytest
from django.db import connection


def host(region):
    return f"{region.site.hostname}:{region.site.port}"


def titles(services):
    return sorted(service.title for service in services)


def rich_text_body(title, text):
    return [
        {"type": "hero", "value": {"heading": title, "summary": "Подайте заявление онлайн."}},
        {"type": "rich_text", "value": f"<p>{text}</p>"},
    ]


@pytest.fixture
def kaluga_services(region, category, other_category, make_service):
    return {
        "kindergarten": make_service(
            region,
            "Запись ребёнка в детский сад",
            category,
            "4000000001",
            body=rich_text_body(
                "Запись ребёнка в детский сад", "Приложите медицинскую справку по форме 026."
            ),
        ),
        "school": make_service(region, "Зачисление в школу", category, "4000000002"),
        "draft": make_service(
            region, "Путёвка в летний лагерь", category, "4000000003", live=False
        ),
        "business": make_service(
            region, "Регистрация индивидуального предпринимателя", other_category, "4000000004"
        ),
    }


@pytest.fixture
def tula_services(other_region, category, make_service):
    return {
        "kindergarten": make_service(
            other_region, "Запись ребёнка в детский сад Тулы", category, "7100000001"
        )
    }


# Search


def test_search_finds_a_service_by_a_word_in_its_title(client, region, kaluga_services):
    response = client.get("/search/", {"q": "школу"}, HTTP_HOST=host(region))
    assert response.status_code == 200
    assert titles(response.context["results"]) == ["Зачисление в школу"]


def test_search_finds_a_service_by_a_word_in_its_body_blocks(client, region, kaluga_services):
    response = client.get("/search/", {"q": "справку"}, HTTP_HOST=host(region))
    assert response.status_code == 200
    assert titles(response.context["results"]) == ["Запись ребёнка в детский сад"]


def test_search_finds_nothing_from_another_region(
    client, region, other_region, kaluga_services, tula_services
):
    response = client.get("/search/", {"q": "Тулы"}, HTTP_HOST=host(region))
    assert response.status_code == 200
    assert list(response.context["results"]) == []
    in_tula = client.get("/search/", {"q": "Тулы"}, HTTP_HOST=host(other_region))
    assert titles(in_tula.context["results"]) == ["Запись ребёнка в детский сад Тулы"]


def test_search_skips_unpublished_services(client, region, kaluga_services):
    response = client.get("/search/", {"q": "лагерь"}, HTTP_HOST=host(region))
    assert list(response.context["results"]) == []


@pytest.mark.parametrize("query", ["", "   "])
def test_empty_search_asks_what_to_look_for(client, region, kaluga_services, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST=host(region))
    assert response.status_code == 200
    assert response.context["results"] is None
    assert response.context["error"]
    assert str(response.context["error"]) in response.content.decode()
    assert response.context["search_query"] == ""


def test_search_keeps_the_query_typed(client, region, kaluga_services):
    response = client.get("/search/", {"q": "детский сад"}, HTTP_HOST=host(region))
    assert response.context["search_query"] == "детский сад"
    assert 'value="детский сад"' in response.content.decode()


def test_a_nul_byte_in_the_query_is_dropped_not_a_server_error(client, region, kaluga_services):
    response = client.get("/search/", {"q": "школу\x00"}, HTTP_HOST=host(region))
    assert response.status_code == 200
    assert titles(response.context["results"]) == ["Зачисление в школу"]
    alone = client.get("/search/", {"q": "\x00"}, HTTP_HOST=host(region))
    assert alone.status_code == 200
    assert alone.context["error"]


# Categories


def test_category_lists_only_its_live_services_of_the_region(
    client, region, category, kaluga_services, tula_services
):
    response = client.get(f"/category/{category.slug}/", HTTP_HOST=host(region))
    assert response.status_code == 200
    assert response.context["category"] == category
    assert titles(response.context["services"]) == [
        "Запись ребёнка в детский сад",
        "Зачисление в школу",
    ]


def test_unknown_category_is_not_found(client, region, kaluga_services):
    response = client.get("/category/no-such-category/", HTTP_HOST=host(region))
    assert response.status_code == 404


def test_region_catalog_counts_live_services_per_category(
    client, region, category, other_category, kaluga_services
):
    response = client.get("/", HTTP_HOST=host(region))
    assert response.status_code == 200
    counts = {entry["category"]: entry["count"] for entry in response.context["categories"]}
    assert counts == {category: 2, other_category: 1}
    assert len(response.context["services"]) == 3


# The federal portal


def test_portal_lists_every_regions_services(
    client, portal, region, other_region, kaluga_services, tula_services
):
    response = client.get("/", HTTP_HOST="localhost")
    assert response.status_code == 200
    by_region = {entry["region"]: entry["services"] for entry in response.context["regions"]}
    assert titles(by_region[region]) == [
        "Запись ребёнка в детский сад",
        "Зачисление в школу",
        "Регистрация индивидуального предпринимателя",
    ]
    assert titles(by_region[other_region]) == ["Запись ребёнка в детский сад Тулы"]


def searched(client, region, query):
    response = client.get("/search/", {"q": query}, HTTP_HOST=host(region))
    assert response.status_code == 200
    return titles(response.context["results"])


def test_search_understands_russian_word_forms(client, region, kaluga_services):
    """«детского сада» finds «в детский сад»; other cases, and «е» typed for «ё», find it too.

    The embedded SQLite default matches whole words only; production's PostgreSQL full-text
    search, with the Russian configuration (``WAGTAILSEARCH_BACKENDS``), knows word forms.
    """
    if connection.vendor != "postgresql":
        pytest.skip("Russian morphology comes from PostgreSQL's full-text search (production)")
    kindergarten = ["Запись ребёнка в детский сад"]
    for query in ("детского сада", "детскими садами", "ребенка", "справка", "школа"):
        found = searched(client, region, query)
        assert found, f"nothing found for «{query}»"
    assert searched(client, region, "детского сада") == kindergarten
    assert searched(client, region, "справка") == kindergarten  # the body says «справку»
    assert searched(client, region, "школа") == ["Зачисление в школу"]
    # Stemming does not blur words into each other: a word of no service finds nothing.
    assert searched(client, region, "пенсия") == []
