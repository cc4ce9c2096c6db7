"""Submission cost: our full submit path against wagtail.contrib.forms on the same 40 fields.

Builds, in a throwaway SQLite database, a published service whose application form has five
steps of eight fields (text, long text, numbers, dates, choices, yes/no, e-mail, phone, SNILS,
INN). Then, interleaved, many times:

* ours: ``submit_draft`` on a draft as the wizard leaves it after its last step (each step
  already validated by its form when it was saved): the draft locked and decrypted, the whole
  answer checked against the cached JSON Schema validator (which runs the field validators as
  formats), the answers encrypted (AES-GCM), a number taken under a row lock, the application
  inserted and the draft linked, in one transaction;
* the baseline: what a wagtail.contrib.forms ``FormPage`` does on a POST with the same 40
  fields - ``FormBuilder(fields).get_form_class()``, bind, ``is_valid()``, and
  ``FormSubmission.objects.create(form_data=..., page=...)`` as ``process_form_submission`` does.
  The project has no concrete FormPage model (and adding one would need a migration outside a
  benchmark), so the baseline feeds FormBuilder the same attribute objects an
  ``AbstractFormField`` row provides and stores the real ``FormSubmission`` row, which is all
  a FormPage's ``serve`` does besides rendering.

It also prints the speed-up of the per-version cached JSON Schema validator over a fresh one
per answer, built the way ``jsonschema.validate()`` does it (check the schema against the
2020-12 meta-schema, build the validator, validate).

Targets (issue 3): ours at most 1.5x the baseline's median; the cached validator faster.

Run: .venv/bin/python benchmarks/submission.py
"""

import statistics
import sys
import time
from types import SimpleNamespace

import harness

harness.prepare("submission")

from django.utils.datastructures import MultiValueDict  # noqa: E402
from wagtail.contrib.forms.forms import FormBuilder  # noqa: E402
from wagtail.contrib.forms.models import FormSubmission  # noqa: E402

from constructor.applications.models import ApplicationDraft  # noqa: E402
from constructor.applications.progress import empty_state, summarise  # noqa: E402
from constructor.applications.submission import submit_draft  # noqa: E402
from constructor.formbuilder.models import live_form_version  # noqa: E402
from constructor.formbuilder.validation import (  # noqa: E402
    FormValidator,
    make_validator,
    schema_errors,
    validate_answers,
)
from constructor.services.models import ServiceCategory, ServicePage  # noqa: E402
from sites.regions import create_region  # noqa: E402

ROUNDS = 60
VALIDATOR_ROUNDS = 200
MAX_RATIO = 1.5
STEPS = 5
NO_CONDITION = {"field": "", "operator": "equals", "value": ""}

# (our type, block options, POSTed value, wagtail field type, wagtail choices)
FIELD_KINDS = [
    ("text", {"max_length": None}, "Иванова Анна", "singleline", ""),
    ("textarea", {"max_length": None}, "Прошу записать ребёнка\nв детский сад.", "multiline", ""),
    ("number", {"kind": "integer", "min_value": 0, "max_value": 100}, "7", "number", ""),
    ("date", {"relative": "not_future"}, "2019-05-01", "date", ""),
    (
        "choice",
        {
            "widget": "select",
            "choices": [{"code": "post", "label": "Почтой"}, {"code": "office", "label": "В МФЦ"}],
        },
        "office",
        "dropdown",
        "post,office",
    ),
    ("yes_no", {}, "yes", "radio", "yes,no"),
    ("email", {}, "anna@example.ru", "email", ""),
    ("phone", {}, "8 (910) 123-45-67", "singleline", ""),
    ("snils", {}, "112-233-445 95", "singleline", ""),
    ("inn", {"kind": "individual"}, "500100732259", "singleline", ""),
]


def field_key(step, index):
    return f"s{step}_f{index}"


def form_blocks():
    steps = []
    for step in range(STEPS):
        fields = []
        for index in range(8):
            kind, options, _value, _wagtail, _choices = FIELD_KINDS[(step * 8 + index) % 10]
            fields.append(
                {
                    "type": kind,
                    "value": {
                        "key": field_key(step, index),
                        "label": f"Вопрос {step * 8 + index + 1}",
                        "hint": "",
                        "required": True,
                        "condition": NO_CONDITION,
                        **options,
                    },
                }
            )
        steps.append(
            {
                "type": "step",
                "value": {
                    "key": f"step{step}",
                    "title": f"Шаг {step + 1}",
                    "intro": "",
                    "condition": NO_CONDITION,
                    "fields": fields,
                },
            }
        )
    return steps


def draft_state():
    state = empty_state()
    for step in range(STEPS):
        state["step_data"][f"step{step}"] = {
            f"step{step}-{field_key(step, index)}": [FIELD_KINDS[(step * 8 + index) % 10][2]]
            for index in range(8)
        }
    return state


def wagtail_fields():
    fields = []
    for number in range(STEPS * 8):
        _kind, _options, _value, field_type, choices = FIELD_KINDS[number % 10]
        fields.append(
            SimpleNamespace(
                field_type=field_type,
                label=f"Вопрос {number + 1}",
                clean_name=f"q{number}",
                help_text="",
                required=True,
                default_value="",
                choices=choices,
            )
        )
    return fields


def wagtail_post():
    return MultiValueDict(
        {f"q{number}": [FIELD_KINDS[number % 10][2]] for number in range(STEPS * 8)}
    )


def build_service():
    region = create_region("Калужская область", "kaluga", "40").region
    category = ServiceCategory.objects.create(name="Семья и дети", slug="family")
    page = ServicePage(
        title="Запись в детский сад",
        slug="kindergarten",
        service_code="4000000012",
        code_level="regional",
        category=category,
        agency="Министерство образования Калужской области",
        summary="Подайте заявление онлайн.",
        application_form=form_blocks(),
    )
    region.home_page.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def new_draft(page, version):
    """A draft as the wizard leaves it after the last step: step data and its summary."""
    draft = ApplicationDraft(page=page, form_version=version, region=page.get_site().region)
    state = draft_state()
    summarise(version, draft, state)
    draft.seal_answers(state)
    draft.save()
    return draft


def ours(page, version):
    draft = new_draft(page, version)
    started = time.perf_counter()
    submit_draft(draft)
    return time.perf_counter() - started


def baseline(page, fields, post):
    started = time.perf_counter()
    form = FormBuilder(fields).get_form_class()(post)
    if not form.is_valid():
        raise SystemExit(f"the baseline form refused its answers: {form.errors.as_text()}")
    FormSubmission.objects.create(form_data=form.cleaned_data, page=page)
    return time.perf_counter() - started


def median_ms(samples):
    return statistics.median(samples) * 1000


def main():
    page = build_service()
    version = live_form_version(page)
    fields, post = wagtail_fields(), wagtail_post()

    for _ in range(3):  # warm imports, caches and the validator
        ours(page, version)
        baseline(page, fields, post)
    samples = {"ours": [], "baseline": []}
    for _ in range(ROUNDS):
        samples["ours"].append(ours(page, version))
        samples["baseline"].append(baseline(page, fields, post))
    ours_ms, baseline_ms = median_ms(samples["ours"]), median_ms(samples["baseline"])
    ratio = ours_ms / baseline_ms

    answers = submit_draft(new_draft(page, version)).open_answers()
    if validate_answers(version, answers):
        raise SystemExit("the benchmark's answers do not validate")
    cached, fresh = [], []
    for _ in range(VALIDATOR_ROUNDS):
        started = time.perf_counter()
        validate_answers(version, answers)
        cached.append(time.perf_counter() - started)
        started = time.perf_counter()
        # What jsonschema.validate() does on every call: check the schema, build, validate.
        FormValidator.check_schema(version.json_schema)
        schema_errors(make_validator(version.json_schema), answers)
        fresh.append(time.perf_counter() - started)
    speedup = statistics.median(fresh) / statistics.median(cached)

    print(f"our submit path, 40 fields in 5 steps: {ours_ms:.2f} ms")
    print(f"wagtail.contrib.forms, same 40 fields: {baseline_ms:.2f} ms")
    print(
        f"validation: cached {median_ms(cached):.3f} ms, fresh validator "
        f"{median_ms(fresh):.3f} ms, speed-up {speedup:.1f}x"
    )
    failures = []
    if ratio > MAX_RATIO:
        failures.append(f"submit ratio {ratio:.2f} > {MAX_RATIO}")
    if speedup <= 1:
        failures.append(f"the cached validator is no faster ({speedup:.2f}x)")
    figures = {
        "ratio": f"{ratio:.2f}",
        "ours_ms": f"{ours_ms:.2f}",
        "baseline_ms": f"{baseline_ms:.2f}",
        "validator_speedup": f"{speedup:.1f}",
        "cached_ms": f"{median_ms(cached):.3f}",
        "fresh_ms": f"{median_ms(fresh):.3f}",
        "fields": STEPS * 8,
        "steps": STEPS,
        "target_ratio": MAX_RATIO,
    }
    return harness.report(figures, failures)


if __name__ == "__main__":
    sys.exit(main())
