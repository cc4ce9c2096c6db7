"""The compatibility checker: FormSchema x mapping rules x agency schema -> problems.

Soundness is the promise: when no problem is an error, every answer that
``validate_answers`` accepts gives, through ``build_payload``, a payload that
``payload_validator`` accepts. The proof has three parts.

1. **Shapes** (``sources.py``). Each source gets a ``Shape`` (``shapes.py``) from the form's
   compiled JSON Schema fragment, whose keywords hold for every accepted answer, and is pushed
   through the rule's transforms (``transforms.py``). Constants and defaults are concrete values.
2. **Containment** (``payload_tree.py``, ``values.py``). ``shapes.prove`` shows the shape
   inside the target's schema keyword by keyword; a keyword it does not understand is
   ``unsupported_schema``.
3. **Presence** (``presence.py``). An object of the payload exists when anything under it is
   produced, so every required child must be present whenever its parent is. Presence is a set
   of atoms: the node exists when any atom holds (``always``; ``field:k`` = answer ``k`` is present;
   ``part:…``/``item:…`` = an optional part, unknown). A child is present whenever its parent
   is when it holds ``always`` or every atom of the parent.

Besides, an answer collected and sent nowhere is a warning (``minimisation.py``). Each concern
is a mixin of ``Checker``; this module holds the run, the naming and the order of the report.
"""

from functools import cached_property

from django.utils.translation import gettext as _

from constructor.integrations.proof.mapping import make_pointer, parse_pointer
from constructor.integrations.proof.minimisation import MinimisationMixin
from constructor.integrations.proof.payload_tree import Node, PayloadTreeMixin
from constructor.integrations.proof.presence import ALWAYS, PresenceMixin
from constructor.integrations.proof.problems import Problem, capitalised, has_errors
from constructor.integrations.proof.sources import SourcesMixin
from constructor.integrations.proof.targets import TITLE_SEPARATOR, lower_first, source_choices
from constructor.integrations.proof.values import ValuesMixin


class Checker(SourcesMixin, PayloadTreeMixin, ValuesMixin, PresenceMixin, MinimisationMixin):
    """One run of the proof; each concern's methods come from its module's mixin."""

    def __init__(self, form_schema, rules, payload_schema):
        self.form_schema = form_schema or {}
        self.json_schema = self.form_schema.get("json_schema") or {}
        self.properties = self.json_schema.get("properties") or {}
        self.always = set(self.json_schema.get("required") or ())
        self.rules = rules or []
        self.payload_schema = payload_schema if isinstance(payload_schema, dict) else {}
        self.problems = []
        self.layout = {}
        for step in (self.form_schema.get("layout") or {}).get("steps") or []:
            for layout_field in step.get("fields") or []:
                if layout_field.get("key"):
                    self.layout[layout_field["key"]] = layout_field
                    for child in (layout_field.get("options") or {}).get("fields") or []:
                        if layout_field["type"] == "group" and child.get("key"):
                            self.layout[f"{layout_field['key']}.{child['key']}"] = child
        self.titles = {}
        self.yes_no_labels = None
        self.root = Node((), self.payload_schema, {}, {ALWAYS})
        self.nodes = {(): self.root}
        self.filled = {}  # pointer segments -> rule index
        self.star_groups = {}  # star prefix -> (group key, rule index)
        self.unsupported_seen = set()

    # --- naming ----------------------------------------------------------------------------

    @cached_property
    def labels(self):
        """Source path -> its label in words; made only when a message needs one."""
        return {entry["path"]: entry["label"] for entry in source_choices(self.form_schema)}

    def title(self, segments):
        segments = tuple(segments)
        if segments in self.titles:
            return self.titles[segments]
        schema, titles = self.payload_schema, []
        for segment in segments:
            if segment == "*":
                schema = schema.get("items") if isinstance(schema, dict) else None
                continue
            properties = schema.get("properties") if isinstance(schema, dict) else None
            schema = properties.get(segment) if isinstance(properties, dict) else None
            titles.append(
                str(schema.get("title") or segment) if isinstance(schema, dict) else segment
            )
        title = TITLE_SEPARATOR.join(titles) or _("the whole payload")
        self.titles[segments] = title
        return title

    def target_words(self, segments):
        return {"target": self.title(segments), "pointer": make_pointer(segments) or "/"}

    def add(self, severity, code, message, segments=None, source="", rule=None):
        pointer = make_pointer(segments) if segments else ""
        self.problems.append(Problem(severity, code, capitalised(message), pointer, source, rule))

    def error(self, code, message, segments=None, source="", rule=None):
        self.add("error", code, message, segments, source, rule)

    # --- the run ---------------------------------------------------------------------------

    def run(self):
        if self.payload_schema.get("type") != "object":
            self.error(
                "unsupported_schema",
                _("The agency schema must describe an object."),
            )
            return self.problems
        # The payload is an object even when no rule fills anything: its keywords must hold.
        self.check_object_node(self.root, (), None, None)
        for rule in self.rules:
            self.check_rule(rule)
        self.check_presence(self.root)
        self.check_unused()
        return self.problems

    def check_rule(self, rule):
        index = rule.get("index")
        segments = parse_pointer(rule.get("target"))
        if segments is None:
            self.error(
                "unknown_target",
                _("Choose the agency field for this rule: «%(pointer)s» is not a field path.")
                % {"pointer": rule.get("target") or ""},
                rule=index,
            )
            return
        source = self.source(rule, segments)
        if source is not None and rule.get("default") is not None:
            source.atom = ALWAYS  # the default stands in for an absent answer
        schema = self.walk_target(segments, rule, source)
        if schema is None or source is None:
            return
        self.check_value(rule, segments, source, schema)


def check_mapping(form_schema, rules, payload_schema):
    """Every problem of the mapping, errors first, in rule order."""
    problems = Checker(form_schema, rules, payload_schema).run()
    order = {"error": 0, "warning": 1}
    return sorted(
        problems,
        key=lambda p: (order.get(p.severity, 2), p.rule if p.rule is not None else 10**9),
    )


__all__ = ["Problem", "check_mapping", "has_errors", "lower_first"]
