"""Raw mapping rules and small agency schemas, built in code (shared by the checker tests)."""

from constructor.integrations.proof.mapping import rules_from_stream


def rule(target, field="", *, source="field", constant="", system="", transforms=(), default=""):
    return {
        "type": "rule",
        "id": f"rule-{target}",
        "value": {
            "target": target,
            "source": source,
            "field": field,
            "constant": constant,
            "system": system,
            "transforms": [
                {"type": kind, "value": options, "id": f"t{index}"}
                for index, (kind, options) in enumerate(transforms)
            ],
            "default": default,
        },
    }


def rules(*raw_rules):
    return rules_from_stream(list(raw_rules))


def t(kind, **options):
    return (kind, options)


def lookup(pairs, fallback=""):
    table = [
        {"type": "item", "value": {"from": source, "to": target}, "id": f"row-{index}"}
        for index, (source, target) in enumerate(pairs)
    ]
    return ("lookup", {"table": table, "fallback": fallback})


def obj(required=(), closed=True, **properties):
    schema = {"type": "object", "properties": properties, "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


def string(**keywords):
    return {"type": "string", **keywords}


def codes(problems, severity="error"):
    return {problem.code for problem in problems if problem.severity == severity}
