"""Mapping checker cost: check_mapping on forms of 100, 500 and 1000 fields.

Each form cycles through the field types (text, SNILS, dates, choices, numbers, full names,
e-mail, phone, yes/no, and a repeatable group every 25 fields), compiled with the real
compiler; the agency schema has one target per field (objects for full names, an array of
objects for groups), and the mapping fills every target, with the transforms a real mapping
uses (date format, code lookup, join). The time is the best of several runs of the process's
CPU time: the checker is single-threaded pure Python, and on a busy machine wall time mostly
measures the other processes.

Targets (issue 4): 500 fields by 500 under 200 ms; 1000 no more than 2.5 times 500.

Run: .venv/bin/python benchmarks/checker.py
"""

import gc
import os
import sys
import time

import harness

sys.path.insert(0, str(harness.ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "constructor.settings.dev")

import django  # noqa: E402

django.setup()

from constructor.formbuilder.compiler import compile_form  # noqa: E402
from constructor.integrations.proof.checker import check_mapping, has_errors  # noqa: E402
from constructor.integrations.proof.mapping import rules_from_stream  # noqa: E402

SIZES = (100, 500, 1000)
RUNS = 25
MAX_MS_500 = 200.0
MAX_RATIO = 2.5


def raw_field(block_type, key, **options):
    value = {
        "key": key,
        "label": f"Вопрос {key}",
        "hint": "",
        "required": True,
        "condition": {"field": "", "operator": "equals", "value": ""},
    }
    value.update(options)
    return {"type": block_type, "value": value}


def choices(*codes):
    return [{"type": "item", "value": {"code": code, "label": code.upper()}} for code in codes]


def rule(target, field="", transforms=()):
    return {
        "type": "rule",
        "value": {
            "target": target,
            "source": "field",
            "field": field,
            "constant": "",
            "system": "",
            "transforms": [{"type": kind, "value": options} for kind, options in transforms],
            "default": "",
        },
    }


def string(**keywords):
    return {"type": "string", "title": "Поле", **keywords}


def build(size):
    """(form schema, rules, payload schema) with ``size`` fields and as many targets."""
    fields, properties, mapping = [], {}, []
    for index in range(size):
        key = f"f{index}"
        kind = index % 10
        if index % 25 == 24:
            fields.append(
                raw_field(
                    "group",
                    key,
                    min_items=1,
                    max_items=10,
                    fields=[
                        raw_field("text", f"{key}_name", max_length=100),
                        raw_field("date", f"{key}_day"),
                    ],
                )
            )
            item = {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "day"],
                "properties": {
                    "name": string(maxLength=100),
                    "day": string(pattern=r"^\d{2}\.\d{2}\.\d{4}$"),
                },
            }
            properties[key] = {"type": "array", "minItems": 1, "maxItems": 10, "items": item}
            mapping.append(rule(f"/{key}/*/name", f"{key}.{key}_name"))
            day = [("date_format", {"format": "%d.%m.%Y"})]
            mapping.append(rule(f"/{key}/*/day", f"{key}.{key}_day", day))
        elif kind == 0:
            fields.append(raw_field("text", key, max_length=200))
            properties[key] = string(maxLength=200)
            mapping.append(rule(f"/{key}", key))
        elif kind == 1:
            fields.append(raw_field("snils", key))
            properties[key] = string(pattern=r"^\d{11}$")
            mapping.append(rule(f"/{key}", key))
        elif kind == 2:
            fields.append(raw_field("date", key))
            properties[key] = string(format="date")
            mapping.append(rule(f"/{key}", key))
        elif kind == 3:
            fields.append(raw_field("choice", key, widget="radio", choices=choices("a", "b", "c")))
            properties[key] = string(enum=["1", "2", "3"])
            table = [
                {"type": "item", "value": {"from": code, "to": str(n)}}
                for n, code in enumerate("abc", start=1)
            ]
            mapping.append(rule(f"/{key}", key, [("lookup", {"table": table, "fallback": ""})]))
        elif kind == 4:
            fields.append(raw_field("number", key, kind="integer", min_value=0, max_value=1000))
            properties[key] = {"type": "integer", "minimum": 0, "maximum": 100000}
            mapping.append(rule(f"/{key}", key))
        elif kind == 5:
            fields.append(raw_field("full_name", key))
            properties[key] = {
                "type": "object",
                "additionalProperties": False,
                "required": ["last_name", "first_name"],
                "properties": {
                    "last_name": string(maxLength=100),
                    "first_name": string(maxLength=100),
                    "middle_name": string(maxLength=100),
                },
            }
            mapping.append(rule(f"/{key}/last_name", f"{key}.surname"))
            mapping.append(rule(f"/{key}/first_name", f"{key}.given_name"))
            mapping.append(rule(f"/{key}/middle_name", f"{key}.patronymic"))
        elif kind == 6:
            fields.append(raw_field("email", key))
            properties[key] = string(format="email", maxLength=254)
            mapping.append(rule(f"/{key}", key))
        elif kind == 7:
            fields.append(raw_field("phone", key))
            properties[key] = string(pattern=r"^\+7\d{10}$")
            mapping.append(rule(f"/{key}", key))
        elif kind == 8:
            fields.append(raw_field("yes_no", key))
            properties[key] = {"type": "boolean"}
            mapping.append(rule(f"/{key}", key))
        else:
            fields.append(raw_field("full_name", key))
            properties[key] = string(maxLength=302)
            mapping.append(rule(f"/{key}", key, [("join", {"separator": " "})]))
    steps = [
        {
            "type": "step",
            "value": {
                "key": f"s{start}",
                "title": f"Шаг {start}",
                "intro": "",
                "condition": {"field": "", "operator": "equals", "value": ""},
                "fields": fields[start : start + 20],
            },
        }
        for start in range(0, len(fields), 20)
    ]
    payload_schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "required": sorted(properties),
        "properties": properties,
    }
    return compile_form(steps), rules_from_stream(mapping), payload_schema


def timed(form_schema, rules, payload_schema):
    gc.collect()
    gc.disable()  # a collection in the middle of one run is noise, not the checker's cost
    try:
        started = time.process_time()
        problems = check_mapping(form_schema, rules, payload_schema)
        return (time.process_time() - started) * 1000, problems
    finally:
        gc.enable()


def main():
    cases = {size: build(size) for size in SIZES}
    for size, case in cases.items():
        problems = check_mapping(*case)  # warm imports and caches
        if has_errors(problems):
            first = next(p for p in problems if p.severity == "error")
            raise SystemExit(f"the generated mapping of {size} fields has errors: {first}")
    # Rounds interleave the sizes, so a busy moment of the machine hits them alike.
    timings = {size: float("inf") for size in SIZES}
    for _ in range(RUNS):
        for size, case in cases.items():
            elapsed, _problems = timed(*case)
            timings[size] = min(timings[size], elapsed)
    failures = []
    for size, (_form, rules, _schema) in cases.items():
        print(f"{size:>5} fields, {len(rules):>5} rules: {timings[size]:8.2f} ms (best of {RUNS})")
    ratio = timings[1000] / timings[500]
    print(f"1000 / 500: {ratio:.2f}")
    if timings[500] >= MAX_MS_500:
        failures.append(f"500 fields took {timings[500]:.1f} ms >= {MAX_MS_500} ms")
    if ratio > MAX_RATIO:
        failures.append(f"1000/500 ratio {ratio:.2f} > {MAX_RATIO}")
    figures = {
        "t100_ms": f"{timings[100]:.1f}",
        "t500_ms": f"{timings[500]:.1f}",
        "t1000_ms": f"{timings[1000]:.1f}",
        "ratio_1000_500": f"{ratio:.2f}",
    }
    return harness.report(figures, failures)


if __name__ == "__main__":
    sys.exit(main())
