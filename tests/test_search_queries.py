"""Whatever a citizen types into search, they get results or a plain "nothing found".

Quotes, NUL bytes and FTS operators once reached SQLite's MATCH syntax and answered 500. The
cases run on whichever database DATABASE_URL names, so the PostgreSQL pass proves the same on
its tsquery. Hypothesis sends arbitrary text; the named cases are the ones that broke or could.
"""

import logging
import string

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCHOOL = "Зачисление в школу"
# Read-only requests against one set of services: the fixtures may be shared by all examples.
PROPERTY = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# What FTS5 and tsquery read as syntax, and text that is not a word at all.
SYNTAX = [
    '"',
    "'",
    "\x00",
    "*",
    "^",
    ":",
    "(",
    ")",
    "-",
    "+",
    "!",
    "&",
    "|",
    "\\",
    "%",
    "_",
    "{",
    "}",
    " AND ",
    " OR ",
    " NOT ",
    " NEAR ",
    "NEAR(",
    "title:",
    "«",
    "»",
    "\t",
    "\n",
    "\u00ad",
    "\u200d",
    "😀",
]
# Any text an HTTP request can carry: lone surrogates are not valid UTF-8.
ANY_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=1500)
QUERIES = st.one_of(
    ANY_TEXT,
    st.lists(st.one_of(st.sampled_from(SYNTAX), ANY_TEXT), max_size=30).map("".join),
)
# Punctuation, spaces, controls and emoji: never a letter or digit, even after NFKC.
NOT_A_WORD = st.text(
    st.sampled_from([*string.punctuation, *SYNTAX[:4], "\t", "\n", " ", "«", "»", "😀", "\u200d"]),
    max_size=12,
)


@pytest.fixture
def services(region, category, make_service):
    make_service(region, SCHOOL, category, "4000000002")
    make_service(region, "Запись ребёнка в детский сад", category, "4000000001")
    return region


def search(client, region, query, **params):
    return client.get(
        "/search/", {"q": query, **params}, HTTP_HOST=f"{region.site.hostname}:{region.site.port}"
    )


def titles(response):
    return sorted(service.title for service in response.context["results"])


def assert_answered(response):
    """A page with results or "nothing found", the query shown back clean; never an error."""
    assert response.status_code == 200
    query = response.context["search_query"]
    assert len(query) <= 200
    assert "\x00" not in query
    assert "\x00" not in response.content.decode()
    if query:
        assert response.context["error"] is None
        assert response.context["results"] is not None
        if not response.context["results"].paginator.count:
            assert "ничего не найдено" in response.content.decode()


@PROPERTY
@given(query=QUERIES)
def test_any_text_gets_results_or_nothing_found(client, services, query):
    assert_answered(search(client, services, query))


@PROPERTY
@given(before=NOT_A_WORD, after=NOT_A_WORD)
def test_syntax_around_a_word_does_not_change_what_it_finds(client, services, before, after):
    response = search(client, services, f"{before}школу{after}")
    assert_answered(response)
    assert titles(response) == [SCHOOL]


@pytest.mark.parametrize(
    "query",
    [
        '"школу',
        'школу"',
        'зачисление "в школу',
        "\x00школу",
        "шк\x00олу",
        "школу*",
        "^школу",
        "школу:",
        "(школу",
        "((школу)",
        "школу)",
        "-школу",
        "+школу",
        "'школу'",
        "школу\\",
        "{школу}",
        "«школу»",
        "шко\u00adлу",
        "школу\tзачисление\n",
    ],
)
def test_quotes_operators_and_nul_around_a_word_still_find_it(client, services, query):
    response = search(client, services, query)
    assert_answered(response)
    assert titles(response) == [SCHOOL]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        '"""',
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "NEAR(школу сад)",
        "школу AND",
        "NOT школу",
        "школу OR сад",
        "title:школу",
        "*",
        "^",
        ":",
        "()",
        "!!!",
        "...",
        "😀",
        "👩\u200d👩\u200d👧",
        "école Москва 北京 ١٢٣",
        "ｓｃｈｏｏｌ",
        "%_%",
        "я" * 1200,
        "школу " * 300,
        "\u0301\u0301",
    ],
)
def test_operators_punctuation_emoji_and_long_queries_get_an_answer(client, services, query):
    assert_answered(search(client, services, query))


@pytest.mark.parametrize("query", ["\x00", "\x00\x01\x1f", "\u200b\u00ad"])
def test_a_query_of_control_characters_asks_what_to_look_for(client, services, query):
    response = search(client, services, query)
    assert response.status_code == 200
    assert response.context["search_query"] == ""
    assert response.context["error"] == "Введите, что вы ищете, например «детский сад»."


def test_the_query_comes_back_without_control_characters(client, services):
    response = search(client, services, "  шко\u00adлу\x00\tв\nсад ")
    assert response.context["search_query"] == "школу в сад"
    assert 'value="школу в сад"' in response.content.decode()


@pytest.mark.parametrize("page", ["\x00", '"', "-1", "0", "99999999999999999999", "абв"])
def test_a_hostile_page_number_gets_a_page(client, services, page):
    response = search(client, services, "школу", page=page)
    assert_answered(response)
    assert titles(response) == [SCHOOL]


def test_a_failing_search_backend_gets_a_message_not_an_error_page(client, services, caplog):
    """The search statement fails in the database itself; the rest of the page still renders.

    On PostgreSQL the failed statement aborts the transaction: without the savepoint around
    the search, the page's next query (the region's branding) would fail too.
    """

    def break_the_search_index(execute, sql, params, many, context):
        broken = sql.replace("wagtailsearch_indexentry", "wagtailsearch_missing")
        return execute(broken, params, many, context)

    with (
        caplog.at_level(logging.ERROR, logger="constructor.services.catalog"),
        connection.execute_wrapper(break_the_search_index),
    ):
        response = search(client, services, "школу")
    assert response.status_code == 200
    assert response.context["results"] is None
    assert str(response.context["error"]).startswith("Поиск сейчас не работает.")
    assert str(response.context["error"]) in response.content.decode()
    assert "Search failed" in caplog.text
