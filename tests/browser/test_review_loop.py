"""An editor and a federal reviewer pass a new service back and forth until it goes live.

The Kaluga editor creates a service from the federal standard 1000000031, meets the curator
chooser (consent shown, a curator without it cannot be chosen) and submits. The reviewer reads
the new service whole in the comparison and requests changes: one message, no «no access».
The editor finds the reason, its author and date on the dashboard and at the top of the page
editor, and submits again; the reason is gone. The reviewer opens Wagtail's «Compare with
previous version» from the dashboard and approves: one message. axe-core checks each of these
screens at phone and desktop widths: what we put on them must pass; what Wagtail's own admin
has around it (its rich-text editors, list blocks, minimap) is written, at desktop width, to
``test-results/review-loop-axe-wagtail.txt`` for people to read, not failed on.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import blocking_axe_violations, describe_axe_violations
from tests.browser.test_review_workflow import EDITOR_LOGIN, REVIEWER_LOGIN, log_in

STANDARD_CODE = "1000000031"
CURATOR = "Орлов Дмитрий Андреевич"
CURATOR_WITHOUT_CONSENT = "Кузнецова Марина Олеговна"
REASON = "Уточните, где получить градостроительный план, и добавьте телефон МФЦ."
REVIEWER_NAME = "Елена Соколова"
WIDTHS = (375, 1280)
MESSAGES = ".messages li"
# Resolves once the page's finite CSS transitions and animations have ended (messages fade in
# once Wagtail marks the body ready, the sidebar moves after a resize): axe-core measures
# contrast on the colours it sees, and a half-faded message fails it.
TRANSITIONS_ENDED = """async () => {
    for (;;) {
        const running = document.getAnimations().filter(animation =>
            animation.playState === "running" &&
            animation.effect.getTiming().iterations !== Infinity);
        if (!running.length) return true;
        // A transition replaced by another rejects its promise: look again.
        await Promise.all(running.map(animation => animation.finished.catch(() => null)));
    }
}"""


@pytest.fixture
def demo_server(own_demo_server):
    """This test creates Kaluga's service from its standard: on a server of its own."""
    return own_demo_server


def check_at_each_width(page, assert_accessible, results_dir, name, ours):
    """axe-core on the parts we own (``ours``, CSS selectors) at each width; the rest reported."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        expect(page.locator("body")).to_have_class(re.compile(r"\bready\b"))
        page.evaluate(TRANSITIONS_ENDED)
        page.screenshot(path=results_dir / f"review-loop-{name}-{width}.png", full_page=True)
        assert_accessible(page, within=ours)
        if width != WIDTHS[-1]:
            continue  # Wagtail's own admin, for people to read: once per screen is enough
        wagtails = blocking_axe_violations(page)
        if wagtails:
            with (results_dir / "review-loop-axe-wagtail.txt").open("a") as report:
                report.write(f"{name} at {width}px ({page.url}):\n")
                report.write(describe_axe_violations(wagtails) + "\n\n")
    page.set_viewport_size({"width": 1280, "height": 800})


def open_footer_menu(page):
    page.locator("footer .w-dropdown-button .w-dropdown__toggle").last.click()


def choose_curator(page, assert_accessible, results_dir):
    """Open the curator chooser of the page's curator block (adding one if there is none)."""
    curator_choosers = page.locator(
        "[data-contentpath=curator] [data-chooser-action-choose]:visible"
    )
    if not curator_choosers.count():
        page.locator(".c-sf-add-button:visible").last.click()
        page.get_by_role("option", name=re.compile("Куратор услуги|Service curator")).click()
        expect(curator_choosers).to_have_count(1)
    curator_choosers.last.click()
    modal = page.locator(".modal")
    expect(modal.get_by_role("columnheader", name="Согласие на публикацию")).to_be_visible()
    refused = modal.get_by_role("row", name=re.compile(CURATOR_WITHOUT_CONSENT))
    expect(refused).to_contain_text("Попросите куратора")
    expect(refused.get_by_role("link", name=re.compile(CURATOR_WITHOUT_CONSENT))).to_have_count(0)
    expect(modal.get_by_role("row", name=re.compile(CURATOR))).to_contain_text("есть")
    check_at_each_width(
        page,
        assert_accessible,
        results_dir,
        "curator-chooser",
        [".modal .listing", ".modal .help-block"],
    )
    modal.get_by_role("link", name=re.compile(CURATOR)).first.click()
    expect(page.locator("form").get_by_text(CURATOR).first).to_be_visible()


def submit_for_review(page):
    open_footer_menu(page)
    page.locator("button[name=action-submit]").click()
    expect(page.locator(MESSAGES + ".success").first).to_be_visible()


def open_in_queue(page, demo_server, title):
    page.goto(demo_server.url("/admin/review/queue/", "kaluga"))
    return page.get_by_role("row", name=re.compile(re.escape(title)))


def expect_one_message(page, level, text):
    expect(page.locator(MESSAGES)).to_have_count(1)
    expect(page.locator(f"{MESSAGES}.{level}")).to_contain_text(text)


def test_editor_and_reviewer_loop_until_the_service_is_live(
    page, demo_server, assert_accessible, results_dir
):
    (results_dir / "review-loop-axe-wagtail.txt").unlink(missing_ok=True)
    log_in(page, demo_server, EDITOR_LOGIN)
    page.goto(demo_server.url("/admin/registry/create-service/", "kaluga"))
    page.get_by_label(re.compile(STANDARD_CODE)).check()
    page.get_by_role("button", name=re.compile("Создать черновик|Create draft")).click()
    expect(page).to_have_url(re.compile(r"/admin/pages/\d+/edit/$"))
    edit_url = page.url
    title = page.locator("input[name=title]").input_value()
    choose_curator(page, assert_accessible, results_dir)
    submit_for_review(page)

    # The reviewer reads the new service whole and sends it back with a reason.
    log_in(page, demo_server, REVIEWER_LOGIN)
    open_in_queue(page, demo_server, title).get_by_role("link", name="Новая услуга").click()
    main = page.locator("main")
    expect(main).to_contain_text("ещё не публиковалась")
    for field in ("Заголовок", "Код услуги", "Категория", "Краткое описание"):
        expect(main.get_by_role("cell", name=re.compile(field)).first).to_be_visible()
    expect(main.locator(".comparison__child-object.addition").first).to_be_visible()
    expect(main.locator(".deletion")).to_have_count(0)
    check_at_each_width(page, assert_accessible, results_dir, "new-service-comparison", ["main"])

    page.goto(edit_url)
    open_footer_menu(page)
    page.locator("button[data-workflow-action-name=reject]").click()
    page.locator(".modal textarea[name=comment]").fill(REASON)
    page.locator(".modal button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/admin/review/queue/$"))
    expect_one_message(page, "success", "возвращена редактору")
    check_at_each_width(
        page, assert_accessible, results_dir, "queue-after-request", [".messages", "main"]
    )

    # The editor finds the reason, who gave it and when, on the dashboard and in the editor.
    log_in(page, demo_server, EDITOR_LOGIN)
    service_row = page.locator("section.review-dashboard tr", has_text=title)
    expect(service_row).to_contain_text("На доработке")
    expect(service_row).to_contain_text(REASON)
    expect(service_row).to_contain_text(REVIEWER_NAME)
    check_at_each_width(
        page, assert_accessible, results_dir, "editor-dashboard", ["section.review-dashboard"]
    )
    page.goto(edit_url)
    banner = page.locator("section.change-request")
    expect(banner).to_contain_text(REASON)
    expect(banner).to_contain_text(REVIEWER_NAME)
    expect(banner.get_by_role("link", name="истории проверки")).to_be_visible()
    check_at_each_width(
        page, assert_accessible, results_dir, "editor-change-request", ["section.change-request"]
    )

    page.locator("textarea[name=summary]").fill(
        page.locator("textarea[name=summary]").input_value() + " Телефон МФЦ: 8 800 100-70-10."
    )
    submit_for_review(page)
    page.goto(edit_url)
    expect(page.locator("section.change-request")).to_have_count(0)
    page.goto(demo_server.url("/admin/", "kaluga"))
    expect(page.locator("section.review-dashboard tr", has_text=title)).not_to_contain_text(REASON)

    # The reviewer compares with the previous version from the dashboard, then approves.
    log_in(page, demo_server, REVIEWER_LOGIN)
    awaiting = page.locator("#awaiting-review-content, [id^=awaiting-review]").first
    row = awaiting.get_by_role("row", name=re.compile(re.escape(title)))
    row.get_by_role("button", name=re.compile("Действия|Actions")).click()
    row.get_by_role("link", name="Сравнить с предыдущей версией").click()
    expect(page).to_have_url(re.compile(r"/revisions/compare/\d+\.\.\.\d+/$"))
    expect(page.locator(MESSAGES + ".error")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("Телефон МФЦ")
    check_at_each_width(
        page, assert_accessible, results_dir, "previous-version-comparison", ["main"]
    )

    page.goto(edit_url)
    open_footer_menu(page)
    page.locator(
        "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
    ).click()
    expect(page).to_have_url(re.compile(r"/admin/review/queue/$"))
    expect_one_message(page, "success", "одобрена и опубликована")
