"""Quality scoring cost: time to score a service page with 40 landing blocks and a 40-field form.

Builds, in a throwaway SQLite database, a region with a registry entry and a service page of
40 landing blocks (every kind that needs no upload, curators with photos, rich text with page
links) and, when ServicePage has an application form, 40 form fields over 4 steps. Scores it
many times with ``score_page`` on a freshly loaded page each round (as the editor panel does).

Then puts 20 and 200 passing service pages through the review workflow (the quality check
approves them, so they wait for a federal reviewer) and counts the SQL queries of building and
rendering the reviewer queue.

Targets (issue 5): median under 100 ms; the queue's query count the same with 200 pages
waiting as with 20.

Run: .venv/bin/python benchmarks/quality.py
"""

import statistics
import sys
import time

import harness

harness.prepare("quality")

from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from wagtail.images.models import Image  # noqa: E402
from wagtail.images.tests.utils import get_test_image_file  # noqa: E402

from constructor.registry.models import ServiceStandard  # noqa: E402
from constructor.review.quality import score_page  # noqa: E402
from constructor.review.queue import review_queue  # noqa: E402
from constructor.review.workflow import ensure_review_workflow  # noqa: E402
from constructor.services.models import Curator, ServiceCategory, ServicePage  # noqa: E402
from sites.regions import create_region  # noqa: E402

ROUNDS = 60
TARGET_MS = 100.0
BLOCKS = 40
FORM_FIELDS = 40
PARAGRAPH = (
    "<h3>Что важно знать</h3><p>Подайте заявление онлайн. В целях ускорения приложите "
    'скан паспорта. <a linktype="page" id="{home}">Все услуги региона</a> собраны в каталоге.</p>'
)


def landing_blocks(home_pk, curator_pk):
    pattern = [
        {
            "type": "hero",
            "value": {"heading": "Пособие", "summary": "Подайте онлайн.", "cta_url": "/search/"},
        },
        {
            "type": "timelines",
            "value": {
                "heading": "Сроки",
                "deadlines": [
                    {"stage": "Регистрация", "days": 1, "day_kind": "working"},
                    {"stage": "Рассмотрение", "days": 14, "day_kind": "calendar"},
                ],
            },
        },
        {"type": "rich_text", "value": PARAGRAPH.format(home=home_pk)},
        {"type": "curator", "value": {"heading": "Куратор услуги", "curator": curator_pk}},
        {
            "type": "documents",
            "value": {
                "heading": "Какие документы нужны",
                "documents": [{"title": "Паспорт", "note": "Оригинал"}] * 3,
            },
        },
        {
            "type": "faq",
            "value": {
                "heading": "Частые вопросы",
                "items": [{"question": "Сколько ждать?", "answer": "<p>Десять дней.</p>"}] * 3,
            },
        },
        {
            "type": "steps",
            "value": {"heading": "Как получить", "steps": [{"title": "Заполните заявление"}] * 4},
        },
        {
            "type": "callout",
            "value": {"kind": "info", "title": "Проверьте паспорт", "text": "<p>Срок.</p>"},
        },
    ]
    hero, rest = pattern[0], pattern[1:]
    return [hero] + [rest[i % len(rest)] for i in range(BLOCKS - 1)]


def form_steps():
    kinds = [
        "full_name",
        "snils",
        "text",
        "date",
        "phone",
        "email",
        "text",
        "text",
        "text",
        "consent",
    ]
    return [
        {
            "type": "step",
            "value": {
                "key": f"step{s}",
                "title": f"Шаг {s + 1}",
                "fields": [
                    {"type": kinds[f], "value": {"key": f"s{s}f{f}", "label": "Поле"}}
                    for f in range(FORM_FIELDS // 4)
                ],
            },
        }
        for s in range(4)
    ]


def build_page():
    region = create_region("Калужская область", "kaluga", "40").region
    category = ServiceCategory.objects.create(name="Семья и дети", slug="family")
    standard = ServiceStandard.objects.create(
        code="1000000022",
        title="Единовременное пособие при рождении ребёнка",
        agency="Социальный фонд России",
        category=category,
        summary="Пособие при рождении ребёнка.",
        max_processing_days=10,
        mandatory_blocks=["hero", "timelines", "curator", "documents"],
    )
    photo = Image.objects.create(
        title="Портрет", description="Портрет куратора", file=get_test_image_file()
    )
    curator = Curator.objects.create(
        region=region,
        full_name="Смирнова Елена Викторовна",
        position="Заместитель министра",
        organisation="Министерство труда",
        photo=photo,
        consent_to_publish=True,
    )
    page = ServicePage(
        title="Единовременное пособие при рождении ребёнка",
        service_code=standard.code,
        code_level="federal",
        category=category,
        agency=standard.agency,
        summary=standard.summary,
        registry_entry=standard,
        body=landing_blocks(region.home_page.pk, curator.pk),
    )
    has_form = hasattr(page, "application_form")
    if has_form:
        page.application_form = form_steps()
    region.home_page.add_child(instance=page)
    page.save_revision().publish()
    return page.pk, has_form


QUEUE_SIZES = (20, 200)


def passing_body(curator_pk):
    return [
        {"type": "hero", "value": {"heading": "Справка", "summary": "Подайте онлайн."}},
        {
            "type": "timelines",
            "value": {
                "heading": "Сроки",
                "deadlines": [{"stage": "Рассмотрение", "days": 5, "day_kind": "working"}],
            },
        },
        {"type": "curator", "value": {"heading": "Куратор услуги", "curator": curator_pk}},
    ]


def submit_services(count, start, home, standard, curator, workflow):
    """Submit ``count`` more passing services; each ends up waiting for a federal reviewer."""
    for number in range(start, start + count):
        page = ServicePage(
            title=f"Справка {number}",
            slug=f"spravka-{number}",
            service_code=standard.code,
            code_level="federal",
            category=standard.category,
            agency=standard.agency,
            summary=standard.summary,
            registry_entry=standard,
            body=passing_body(curator.pk),
            live=False,
        )
        home.add_child(instance=page)
        page.save_revision()
        state = workflow.start(page, None)
        assert state.current_task_state.task.specific_class.__name__ == "FederalReviewTask", (
            "the quality check rejected a benchmark page"
        )


def queue_queries():
    connection.queries_log.clear()  # the capped log would hide queries after 9000 entries
    with CaptureQueriesContext(connection) as queries:
        items = review_queue()
        render_to_string("review/queue_table.html", {"items": items})
    return len(items), len(queries)


def measure_queue(page_pk):
    page = ServicePage.objects.get(pk=page_pk)
    home = page.get_parent()
    curator = Curator.objects.get()
    standard = ServiceStandard.objects.create(
        code="1000000033",
        title="Справка о составе семьи",
        agency="Администрация",
        category=page.category,
        summary="Справка.",
        max_processing_days=10,
        mandatory_blocks=["hero", "timelines"],
    )
    workflow = ensure_review_workflow()
    counts, waiting = [], 0
    for size in QUEUE_SIZES:
        submit_services(size - waiting, waiting, home, standard, curator, workflow)
        waiting = size
        counts.append(queue_queries())
    return counts


def main():
    page_pk, has_form = build_page()
    for _ in range(3):  # warm caches: URL resolver, translations, block definitions
        score_page(ServicePage.objects.get(pk=page_pk))

    samples = []
    for _ in range(ROUNDS):
        page = ServicePage.objects.get(pk=page_pk)
        started = time.perf_counter()
        report = score_page(page)
        samples.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        score_page(ServicePage.objects.get(pk=page_pk))
    score_queries = len(queries)
    median_ms = statistics.median(samples) * 1000
    p90_ms = statistics.quantiles(samples, n=10)[-1] * 1000

    print(
        f"score of a {BLOCKS}-block page{' with a 40-field form' if has_form else ''}: "
        f"{median_ms:.2f} ms median, {p90_ms:.2f} ms p90, {score_queries} queries, "
        f"score {report.score}"
    )
    queue = measure_queue(page_pk)
    for items, count in queue:
        print(f"reviewer queue with {items} pages waiting: {count} queries")
    queue_counts = [count for _items, count in queue]
    queue_ok = all(items == size for (items, _c), size in zip(queue, QUEUE_SIZES, strict=True))
    queue_ok = queue_ok and len(set(queue_counts)) == 1
    failures = []
    if median_ms >= TARGET_MS:
        failures.append(f"median {median_ms:.2f} ms >= {TARGET_MS} ms")
    if not queue_ok:
        failures.append(f"queue queries grow with its length: {queue}")
    figures = {
        "score_ms": f"{median_ms:.2f}",
        "score_p90_ms": f"{p90_ms:.2f}",
        "queries": score_queries,
        "blocks": BLOCKS,
        "form_fields": FORM_FIELDS if has_form else 0,
        "target_ms": f"{TARGET_MS:.0f}",
        "queue_queries": "/".join(map(str, queue_counts)),
    }
    return harness.report(figures, failures)


if __name__ == "__main__":
    sys.exit(main())
