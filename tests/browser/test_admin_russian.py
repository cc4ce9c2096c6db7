"""The admin screens the product adds speak Russian, and the service editor is axe-clean.

A regional editor and a federal admin open every screen of theirs; none shows English that is
known to leak from Wagtail's wording (True/False, «- Select an option -», «Actions»...), and the
phrases Wagtail builds from a model's name are in the case Russian needs: «Добавить
интеграцию», «Выбрать куратора услуги», «7 кураторов». Then axe-core checks the page editor of a
demo service with one block of every landing type added, every panel open, and its application
form and agency delivery tabs; and the region home page's rich text field.
"""

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    AXE_SCRIPT,
    BLOCKING_IMPACTS,
    WCAG_TAGS,
    _describe_violation,
    check_phone_width,
)
from tests.browser.test_admin_publish import EDITOR_LOGIN, log_in

FEDERAL_ADMIN_LOGIN = ("admin", "admin-demo-2026")
EDITED_SERVICE = "zapis-v-detskiy-sad"
# Sent for review to read the quality check's comment in its history; no other test uses it.
REVIEWED_SERVICE = "kompensaciya-roditelskoy-platy"

# English that Wagtail's composed wording and missing translations let through.
ENGLISH_LEAKS = re.compile(
    r"Select an option|\b(True|False|None|Actions|Add|Choose|Edit this|New|Comment|Save|"
    r"Delete|Search|Filter|Troubleshoot|network error|latest version|idle)\b"
)
# The nominative where Russian needs the accusative or a counted form.
WRONG_CASE = re.compile(
    r"Добавить (интеграция|куратор услуги|категория|жизненная)|"
    r"Выбрать (куратор услуги|категория)|\d+ кураторы|Оставить комментарий:|"
    r"Новый: (Интеграция|Категория|Запись|Жизненная)"
)

VISIBLE_WORDING = """() => {
    const shown = el => el.getClientRects().length > 0;
    const names = [...document.querySelectorAll("[aria-label], [title], [placeholder]")]
        .filter(shown)
        .flatMap(el => ["aria-label", "title", "placeholder"].map(name => el.getAttribute(name)))
        .filter(Boolean);
    const options = [...document.querySelectorAll("select")]
        .filter(shown)
        .flatMap(select => [...select.options].map(option => option.text));
    return [document.title, document.body.innerText, ...names, ...options].join("\\n");
}"""


def assert_speaks_russian(page, where=None):
    wording = page.evaluate(VISIBLE_WORDING)
    where = where or page.url
    leaks = sorted({match.group(0) for match in ENGLISH_LEAKS.finditer(wording)})
    assert not leaks, f"English on {where}: {leaks}"
    wrong = sorted({match.group(0) for match in WRONG_CASE.finditer(wording)})
    assert not wrong, f"Wrong case on {where}: {wrong}"


def russian_plural(count, one, few, many):
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def assert_counted(page, one, few, many):
    """The listing's count under the table uses the form its number needs."""
    text = page.locator("main").inner_text()
    found = re.search(rf"(?m)^\s*(\d+) ({one}|{few}|{many})\s*$", text)
    assert found, f"No count of {many} on {page.url}"
    count, noun = int(found.group(1)), found.group(2)
    assert noun == russian_plural(count, one, few, many), found.group(0)


def open_service_editor(page, demo_server, catalog, slug):
    service_url = next(url for url in catalog.service_urls("kaluga") if slug in url)
    page.goto(service_url)
    check_phone_width(page)
    title = page.locator("h1").inner_text().strip()
    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(title)}", "kaluga"))
    page.get_by_role("link", name=title, exact=True).first.click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    return page.url


def open_tab(page, name):
    page.get_by_role("tab", name=name).click()
    panel = page.locator("[role=tabpanel]:visible")
    expect(panel).to_have_count(1)
    return panel


def expand_everything(panel):
    """Open every collapsed panel of the tab: condition blocks, transforms, list items."""
    collapsed = panel.locator("[data-panel-toggle][aria-expanded=false]")
    for _ in range(500):
        if not collapsed.count():
            return
        collapsed.first.click()
    pytest.fail("The editor kept collapsed panels after 500 clicks.")


def test_regional_editor_reads_russian_everywhere(page, demo_server, catalog):
    log_in(page, demo_server, EDITOR_LOGIN)
    assert_speaks_russian(page)

    page.goto(demo_server.url("/admin/snippets/services/curator/", "kaluga"))
    expect(page.get_by_role("link", name="Добавить куратора услуги")).to_be_visible()
    assert_counted(page, "куратор", "куратора", "кураторов")
    assert_speaks_russian(page)
    page.get_by_role("link", name="Добавить куратора услуги").click()
    expect(page.locator("h2#header-title, h1").first).to_be_visible()
    assert_speaks_russian(page)

    for path in (
        "/admin/snippets/registry/servicestandard/",
        "/admin/registry/create-service/",
        "/admin/applications/",
        "/admin/deliveries/",
        "/admin/audit-log/",
    ):
        page.goto(demo_server.url(path, "kaluga"))
        expect(page.locator("main")).to_be_visible()
        assert_speaks_russian(page)

    open_service_editor(page, demo_server, catalog, EDITED_SERVICE)
    for tab in ("Содержимое", "Форма заявления", "Передача в ведомство", "Продвижение"):
        expand_everything(open_tab(page, tab))
        assert_speaks_russian(page, f"the editor's tab «{tab}»")

    # A new curator block: its chooser asks for the curator in the accusative.
    open_tab(page, "Содержимое")
    page.locator(
        "[data-contentpath=body] .c-sf-add-button:not([data-streamfield-list-add])"
    ).last.click()
    page.locator("[role=listbox]").get_by_role("option", name=re.compile("^Куратор услуги")).click()
    choose = page.get_by_role("button", name="Выбрать куратора услуги")
    expect(choose).to_have_count(1)
    choose.click()
    expect(
        page.locator(".modal").get_by_role("heading", name="Выбрать куратора услуги")
    ).to_be_visible()


def test_quality_check_comment_reads_as_a_comment_in_the_history(page, demo_server, catalog):
    log_in(page, demo_server, EDITOR_LOGIN)
    edit_url = open_service_editor(page, demo_server, catalog, REVIEWED_SERVICE)
    page.locator(".w-dropdown-button .w-dropdown__toggle").last.click()
    page.locator("button[name=action-submit]").click()
    expect(page.locator(".messages .success, .messages [class*=success]").first).to_be_visible()

    page.goto(edit_url.replace("/edit/", "/history/"))
    history = page.locator("main")
    expect(
        history.get_by_text(re.compile(r"^Комментарий: Оценка качества — \d+ из 100"))
    ).to_be_visible()
    assert_speaks_russian(page)


def test_federal_admin_reads_russian_everywhere(page, demo_server):
    log_in(page, demo_server, FEDERAL_ADMIN_LOGIN)

    page.goto(demo_server.url("/admin/integration/", "kaluga"))
    expect(page.get_by_role("link", name="Добавить интеграцию")).to_be_visible()
    assert_counted(page, "интеграция", "интеграции", "интеграций")
    assert_speaks_russian(page)
    page.goto(demo_server.url("/admin/integration/?is_active=true", "kaluga"))
    expect(page.locator("main")).to_contain_text(re.compile(r"Включена:\s*Да"))
    expect(page.get_by_role("cell", name="Да", exact=True).first).to_be_visible()
    assert_speaks_russian(page, "the integrations filtered by «Включена»")
    page.get_by_role("link", name="Добавить интеграцию").click()
    expect(page).to_have_title(re.compile("^Добавление: Интеграция"))
    assert_speaks_russian(page)

    page.goto(
        demo_server.url("/admin/snippets/services/curator/?consent_to_publish=false", "kaluga")
    )
    expect(page.get_by_role("link", name="Добавить куратора услуги")).to_be_visible()
    assert_speaks_russian(page, "the curators filtered by consent")

    listings = {
        "/admin/agency/": ("Добавить ведомство", ("ведомство", "ведомства", "ведомств")),
        "/admin/regions/": ("Добавить регион", ("регион", "региона", "регионов")),
        "/admin/snippets/services/servicecategory/": (
            "Добавить категорию услуг",
            ("категория услуг", "категории услуг", "категорий услуг"),
        ),
        "/admin/snippets/registry/lifesituation/": (
            "Добавить жизненную ситуацию",
            ("жизненная ситуация", "жизненные ситуации", "жизненных ситуаций"),
        ),
        "/admin/snippets/registry/servicestandard/": (
            "Добавить запись реестра",
            ("запись реестра", "записи реестра", "записей реестра"),
        ),
    }
    for path, (add, forms) in listings.items():
        page.goto(demo_server.url(path, "kaluga"))
        expect(page.get_by_role("link", name=add)).to_be_visible()
        assert_counted(page, *forms)
        assert_speaks_russian(page)
        page.get_by_role("link", name=add).click()
        expect(page).to_have_title(re.compile("^Добавление: "))
        assert_speaks_russian(page)

    # A registry entry with landing content: its choice blocks and its inspect view.
    page.goto(demo_server.url("/admin/snippets/registry/servicestandard/", "kaluga"))
    page.locator("main table a[href*='/edit/']").first.click()
    expect(page.locator("[data-contentpath=default_body]")).to_be_visible()
    assert_speaks_russian(page)
    page.goto(page.url.replace("/edit/", "/inspect/"))
    assert_speaks_russian(page)

    for path in (
        "/admin/",
        "/admin/snippets/",
        "/admin/review/queue/",
        "/admin/audit-log/",
        "/admin/settings/regions/regionbranding/",
    ):
        page.goto(demo_server.url(path, "kaluga"))
        expect(page.locator("main")).to_be_visible()
        assert_speaks_russian(page)


def run_axe(page):
    if not AXE_SCRIPT.exists():
        pytest.skip(f"axe-core is not installed ({AXE_SCRIPT}): run `npm ci` in tests/browser")
    page.evaluate(AXE_SCRIPT.read_text())
    # Controls that the last click scrolled under Wagtail's sticky header would count as
    # obscured, depending on where the page stopped: check it from the top, the same each time.
    page.evaluate("window.scrollTo(0, 0)")
    return page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        WCAG_TAGS,
    )["violations"]


def wagtails_own(violation, node):
    """Wagtail's markup, which our block definitions cannot change.

    - the page status tag in the header («Видно всем») has a longer aria-label than its text;
    - StreamField's block controls pass under Wagtail's sticky header (its side panel toggles)
      while the page scrolls, which axe counts as a target obscured to under 24 px;
    - the avatar of another open editing session of the page (``w-editing-sessions__session``,
      e.g. this editor's own earlier tab) is a button with only an image and a hidden tooltip.
    """
    if violation["id"] == "label-content-name-mismatch":
        return "page-status-tag" in node["html"]
    if violation["id"] == "button-name":
        return "w-editing-sessions__session" in node["html"]
    if violation["id"] == "target-size":
        covering = [related["html"] for check in node["any"] for related in check["relatedNodes"]]
        return bool(covering) and all("w-side-panel-toggle" in html for html in covering)
    return False


def assert_our_blocks_accessible(page, where):
    blocking = []
    for violation in run_axe(page):
        if violation["impact"] not in BLOCKING_IMPACTS:
            continue
        nodes = [node for node in violation["nodes"] if not wagtails_own(violation, node)]
        if nodes:
            blocking.append({**violation, "nodes": nodes})
    assert not blocking, (
        f"axe-core found {len(blocking)} serious or critical problems in {where}:\n"
        + "\n".join(_describe_violation(violation) for violation in blocking)
    )


def add_one_block_of_every_type(page):
    stream = page.locator("[data-contentpath=body]")
    blocks = stream.locator("[data-streamfield-stream-container] > [data-streamfield-child]")
    add = stream.locator(".c-sf-add-button:not([data-streamfield-list-add])").last
    add.click()
    choices = page.locator("[role=listbox] [role=option]")
    expect(choices.first).to_be_visible()
    labels = [choices.nth(index).inner_text().split("\n")[0] for index in range(choices.count())]
    page.keyboard.press("Escape")
    added = []
    for label in labels:
        add.click()
        choice = page.locator("[role=listbox]").get_by_role("option", name=label).first
        if choice.get_attribute("aria-disabled") == "true":  # the one first screen
            page.keyboard.press("Escape")
            continue
        count = blocks.count()
        choice.click()
        expect(blocks).to_have_count(count + 1)
        added.append(label)
    return added


def test_service_editor_blocks_and_panels_are_accessible(page, demo_server, catalog):
    log_in(page, demo_server, EDITOR_LOGIN)
    open_service_editor(page, demo_server, catalog, EDITED_SERVICE)

    content = open_tab(page, "Содержимое")
    added = add_one_block_of_every_type(page)
    assert "Кто может подать заявление" in added and "Текст" in added, added
    expand_everything(content)
    assert_our_blocks_accessible(page, "the landing blocks")

    for tab in ("Форма заявления", "Передача в ведомство"):
        expand_everything(open_tab(page, tab))
        assert_our_blocks_accessible(page, f"the editor's tab «{tab}»")

    # A page field with rich text, outside any StreamField: the region's home page.
    home = "Госуслуги Калужской области"
    page.goto(demo_server.url(f"/admin/pages/search/?q={quote(home)}", "kaluga"))
    page.get_by_role("link", name=home, exact=True).first.click()
    expect(page.locator("[data-contentpath=intro] [role=textbox]")).to_be_visible()
    assert_our_blocks_accessible(page, "the region home page's editor")
