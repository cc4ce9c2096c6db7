"""The compatibility checker: FormSchema x mapping rules x agency schema -> problems.

Soundness is the promise: when no problem is an error, every answer that
``validate_answers`` accepts gives, through ``build_payload``, a payload that
``payload_validator`` accepts. The proof has three parts.

1. **Shapes.** Each source gets a ``Shape`` (``shapes.py``) from the form's compiled JSON
   Schema fragment, whose keywords hold for every accepted answer, and is pushed through the
   rule's transforms (``transforms.py``). Constants and defaults are concrete values.
2. **Containment.** ``shapes.prove`` shows the shape inside the target's schema keyword by
   keyword; a keyword it does not understand is ``unsupported_schema``.
3. **Presence.** An object of the payload exists when anything under it is produced, so every
   required child must be present whenever its parent is. Presence is a set of atoms: the
   node exists when any atom holds (``always``; ``field:k`` = answer ``k`` is present;
   ``part:…``/``item:…`` = an optional part, unknown). A child is present whenever its parent
   is when it holds ``always`` or every atom of the parent.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.translation import gettext as _

from constructor.formbuilder.registry import field_types
from constructor.integrations import transforms as tf
from constructor.integrations.mapping import (
    SYSTEM_VALUES,
    make_pointer,
    parse_pointer,
    resolve_source,
)
from constructor.integrations.shapes import (
    ANNOTATIONS,
    ISO_DATE_PATTERN,
    Shape,
    prove,
    schema_types,
    shape_from_schema,
    value_key,
)
from constructor.integrations.targets import TITLE_SEPARATOR, lower_first, source_choices


@dataclass(frozen=True)
class Problem:
    severity: str  # "error" | "warning"
    code: str
    message: str
    target: str = ""
    source: str = ""
    rule: int | None = None


def has_errors(problems):
    return any(problem.severity == "error" for problem in problems)


ALWAYS = "always"
NOT_SENT = {"consent", "file", "info"}
OBJECT_NODE_KEYWORDS = {"type", "properties", "required", "additionalProperties"}
ARRAY_NODE_KEYWORDS = {"type", "items", "minItems", "maxItems"}

SYSTEM_SHAPES = {
    "number": Shape(type="string", min_length=1, max_length=20, newline_free=True),
    "submitted_at": Shape(type="string", formats=frozenset({"date-time"}), newline_free=True),
    "submitted_on": Shape(
        type="string",
        formats=frozenset({"date"}),
        patterns=frozenset({ISO_DATE_PATTERN}),
        min_length=10,
        max_length=10,
        newline_free=True,
    ),
    "region_code": Shape(
        type="string",
        patterns=frozenset({r"^\d{2}$"}),
        min_length=2,
        max_length=2,
        newline_free=True,
    ),
    "form_version": Shape(type="integer", minimum=1),
    "service_code": Shape(type="string", newline_free=True),
}


def system_label(name):
    return {
        "number": _("Application number"),
        "submitted_at": _("Submission date and time"),
        "submitted_on": _("Submission date"),
        "region_code": _("Region code"),
        "form_version": _("Form version"),
        "service_code": _("Service code"),
    }.get(name, name)


def transform_label(kind):
    return {
        "date_format": _("Date format"),
        "join": _("Join into one line"),
        "split": _("Split into a list"),
        "digits_only": _("Digits only"),
        "upper": _("Upper case"),
        "to_integer": _("To an integer"),
        "to_number": _("To a number"),
        "lookup": _("Code lookup"),
    }.get(kind, kind)


def type_name(kind):
    names = {
        "string": _("text"),
        "integer": _("a whole number"),
        "number": _("a number"),
        "boolean": _("yes or no"),
        "object": _("an object"),
        "array": _("a list"),
        "null": _("an empty value (null)"),
    }
    if isinstance(kind, list | tuple):
        return _(" or ").join(names.get(k, str(k)) for k in kind)
    return names.get(kind, _("a value of unknown kind"))


def capitalised(text):
    return text[:1].upper() + text[1:]


@dataclass
class Node:
    """One object or array of the payload the rules would build."""

    segments: tuple
    schema: dict
    children: dict  # name -> Node
    atoms: set
    leaf_rule: int | None = None
    checked: bool = False
    checked_ok: bool = True


@dataclass
class Source:
    shape: Shape
    atom: str  # presence of the value (per item for a spread source)
    describe: object  # () -> "поле «…»", for messages (translated only when needed)
    name: str  # the Problem's ``source``
    group: str | None = None  # the group key of a spread source
    array_atom: str = ALWAYS  # presence of the group, for a spread source
    min_items: int = 0
    max_items: int | None = None

    @cached_property
    def phrase(self):
        return self.describe()


class Checker:
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

    # --- sources ---------------------------------------------------------------------------

    def source(self, rule, segments):
        index, kind = rule.get("index"), rule.get("source")
        if kind == "constant":
            value = rule.get("constant") or ""
            return Source(
                Shape.of_values([value]),
                ALWAYS,
                lambda: _("the constant «%(value)s»") % {"value": value},
                "constant",
            )
        if kind == "system":
            name = rule.get("system") or ""
            if name not in SYSTEM_VALUES:
                self.error(
                    "unknown_source",
                    _("Choose the system value for this rule."),
                    segments,
                    f"system:{name}",
                    index,
                )
                return None
            return Source(
                SYSTEM_SHAPES[name],
                ALWAYS,
                lambda: _("the system value «%(label)s»") % {"label": system_label(name)},
                f"system:{name}",
            )
        if kind != "field":
            self.error(
                "unknown_source",
                _("Choose where the value comes from: a form field, a constant or a system value."),
                segments,
                "",
                index,
            )
            return None
        path = rule.get("field") or ""
        resolved = resolve_source(self.json_schema, path)
        if resolved is None:
            message = (
                _("The form has no field «%(path)s».") % {"path": path}
                if path
                else _("Choose the form field for this rule.")
            )
            self.error("unknown_source", message, segments, path, index)
            return None

        def phrase():
            return _("the field «%(label)s»") % {"label": self.labels.get(path, path)}

        layout_field = self.layout.get(path)
        shape = shape_from_schema(resolved.fragment, self.choice_labels(layout_field))
        top = self.properties[resolved.key]
        top_atom = ALWAYS if resolved.key in self.always else f"field:{resolved.key}"
        if not resolved.group:
            within = self.parts_required(top, resolved.parts)
            return Source(shape, top_atom if within else f"part:{path}", phrase, path)
        items = top.get("items") or {}
        within = self.parts_required(items, resolved.parts)
        group_min, group_max = top.get("minItems", 0), top.get("maxItems")
        if "*" in segments:
            return Source(
                shape,
                ALWAYS if within else f"item:{path}",
                phrase,
                path,
                group=resolved.key,
                array_atom=top_atom,
                min_items=group_min,
                max_items=group_max,
            )
        array = Shape(
            type="array",
            items=shape,
            min_items=group_min if within else 1,
            max_items=group_max,
        )
        return Source(array, top_atom if within else f"part:{path}", phrase, path)

    @staticmethod
    def parts_required(fragment, parts):
        for part in parts:
            if part not in (fragment.get("required") or ()):
                return False
            fragment = (fragment.get("properties") or {}).get(part) or {}
        return True

    def choice_labels(self, layout_field):
        if not layout_field:
            return {}
        if layout_field["type"] == "choice":
            return {
                value_key(choice["code"]): choice["label"]
                for choice in layout_field["options"].get("choices") or []
            }
        if layout_field["type"] == "yes_no":
            if self.yes_no_labels is None:
                labels = dict(field_types()["yes_no"].choices)
                self.yes_no_labels = {
                    value_key(True): str(labels["yes"]),
                    value_key(False): str(labels["no"]),
                }
            return self.yes_no_labels
        return {}

    # --- targets ---------------------------------------------------------------------------

    def walk_target(self, segments, rule, source):
        """Register the rule's target in the tree; the leaf's schema, or None."""
        index = rule.get("index")
        source_name = source.name if source else ""
        if segments.count("*") > 1 or (segments and segments[0] == "*"):
            self.error(
                "array_shape",
                _("Only one * is supported in a target, and not at its start: %(pointer)s.")
                % {"pointer": make_pointer(segments)},
                segments,
                source_name,
                index,
            )
            return None
        spread = source is not None and source.group is not None
        if "*" in segments and source is not None and rule.get("source") == "field" and not spread:
            self.error(
                "array_shape",
                _(
                    "The agency field «%(target)s» (%(pointer)s) is filled once per item of a "
                    "list, but %(source)s is not a field of a repeatable group."
                )
                % {**self.target_words(segments), "source": source.phrase},
                segments,
                source_name,
                index,
            )
            return None
        # Overlaps: the same target, or one inside another.
        key = tuple(segments)
        for depth in range(1, len(key) + 1):
            other = self.filled.get(key[:depth])
            if other is not None:
                message = (
                    _(
                        "The agency field «%(target)s» (%(pointer)s) is already filled by "
                        "rule %(other)s."
                    )
                    if depth == len(key)
                    else _(
                        "The agency field «%(target)s» (%(pointer)s) lies inside "
                        "%(outer)s, which rule %(other)s already fills as a whole."
                    )
                )
                self.error(
                    "duplicate_target",
                    message
                    % {
                        **self.target_words(segments),
                        "other": other + 1,
                        "outer": make_pointer(key[:depth]),
                    },
                    segments,
                    source_name,
                    index,
                )
                return None
        node = self.nodes.get(key)
        if node is not None and node.children:
            self.error(
                "duplicate_target",
                _(
                    "The agency field «%(target)s» (%(pointer)s) is filled part by part by "
                    "other rules; fill either the whole or its parts."
                )
                % self.target_words(segments),
                segments,
                source_name,
                index,
            )
            return None

        schema, parent = self.payload_schema, self.root
        for depth, segment in enumerate(segments):
            here = key[: depth + 1]
            if segment == "*":
                if not self.check_array_node(parent, here[:-1], rule, source):
                    return None
                schema = schema.get("items")
            else:
                if not self.check_object_node(parent, here[:-1], rule, source):
                    return None
                properties = schema.get("properties") if isinstance(schema, dict) else None
                if not isinstance(properties, dict) or segment not in properties:
                    forbidden = (
                        isinstance(schema, dict) and schema.get("additionalProperties") is False
                    )
                    message = (
                        _(
                            "The agency schema has no field %(pointer)s, and «%(parent)s» "
                            "allows no other fields."
                        )
                        if forbidden
                        else _("The agency schema has no field %(pointer)s.")
                    )
                    self.error(
                        "unknown_target",
                        message
                        % {
                            "pointer": make_pointer(here),
                            "parent": self.title(here[:-1]),
                        },
                        segments,
                        source_name,
                        index,
                    )
                    return None
                schema = properties[segment]
            node = self.nodes.get(here)
            if node is None:
                node = Node(here, schema, {}, set())
                self.nodes[here] = node
                parent.children[segment] = node
            parent = node
        self.filled[key] = index
        parent.leaf_rule = index
        if source is not None:
            self.mark_presence(key, source, spread)
        return schema

    def check_node_keywords(self, node_schema, segments, allowed, rule, source):
        if not isinstance(node_schema, dict):
            return True
        bad = [k for k in node_schema if k not in allowed and k not in ANNOTATIONS]
        for keyword in bad:
            self.unsupported(keyword, segments, rule, source)
        return not bad

    def unsupported(self, keyword, segments, rule=None, source=None):
        pointer = make_pointer(segments) or "/"
        if (pointer, keyword) in self.unsupported_seen:
            return
        self.unsupported_seen.add((pointer, keyword))
        self.error(
            "unsupported_schema",
            _(
                "The agency schema uses «%(keyword)s» at %(pointer)s, which the checker cannot "
                "verify, so the mapping cannot be proven correct."
            )
            % {"keyword": keyword, "pointer": pointer},
            segments,
            source.name if source else "",
            rule.get("index") if rule else None,
        )

    def check_object_node(self, node, segments, rule, source):
        if node.checked:
            return node.checked_ok
        node.checked = True
        schema = node.schema
        ok = self.check_node_keywords(schema, segments, OBJECT_NODE_KEYWORDS, rule, source)
        if ok and isinstance(schema, dict):
            kinds = schema_types(schema)
            if kinds is not None and "object" not in kinds:
                ok = False
                self.error(
                    "type_mismatch",
                    _(
                        "The agency field «%(target)s» (%(pointer)s) is not an object, so it "
                        "has no parts."
                    )
                    % self.target_words(segments),
                    segments,
                    source.name if source else "",
                    rule.get("index") if rule else None,
                )
        node.checked_ok = ok
        return ok

    def check_array_node(self, node, segments, rule, source):
        if not node.checked:
            node.checked = True
            schema = node.schema if isinstance(node.schema, dict) else {}
            ok = True
            kinds = schema_types(schema)
            if (kinds is not None and "array" not in kinds) or not isinstance(
                schema.get("items"), dict
            ):
                ok = False
                self.error(
                    "array_shape",
                    _(
                        "The agency field «%(target)s» (%(pointer)s) is not a list, so * "
                        "cannot be used in it."
                    )
                    % self.target_words(segments),
                    segments,
                    source.name if source else "",
                    rule.get("index"),
                )
            if ok:
                ok = self.check_node_keywords(schema, segments, ARRAY_NODE_KEYWORDS, rule, source)
            node.checked_ok = ok
        if not node.checked_ok:
            return False
        if source is None or rule.get("source") != "field":
            return True
        prefix = tuple(segments)
        known = self.star_groups.get(prefix)
        if known is None:
            self.star_groups[prefix] = (source.group, rule.get("index"))
            self.check_item_count(node.schema, segments, rule, source)
        elif known[0] != source.group:
            self.error(
                "array_shape",
                _(
                    "Every rule under %(pointer)s/* must take its value from the same repeatable "
                    "group; %(source)s comes from another group."
                )
                % {"pointer": make_pointer(segments), "source": source.phrase},
                segments,
                source.name,
                rule.get("index"),
            )
            return False
        return True

    def check_item_count(self, schema, segments, rule, source):
        def words():
            return {**self.target_words(segments), "source": source.phrase}

        low, high = schema.get("minItems"), schema.get("maxItems")
        if low is not None and source.min_items < low:
            self.error(
                "bounds",
                _(
                    "The agency list «%(target)s» (%(pointer)s) needs at least %(limit)s items, "
                    "but the group of %(source)s may have fewer."
                )
                % {**words(), "limit": low},
                segments,
                source.name,
                rule.get("index"),
            )
        if high is not None and (source.max_items is None or source.max_items > high):
            self.error(
                "bounds",
                _(
                    "The agency list «%(target)s» (%(pointer)s) takes at most %(limit)s items, "
                    "but the group of %(source)s may have more."
                )
                % {**words(), "limit": high},
                segments,
                source.name,
                rule.get("index"),
            )

    def mark_presence(self, key, source, spread):
        """Add the rule's presence atom to every node it creates."""
        star = key.index("*") if "*" in key else None
        for depth in range(len(key), 0, -1):
            node = self.nodes[key[:depth]]
            if star is None:
                node.atoms.add(source.atom)
            elif depth > star:
                node.atoms.add(source.atom)  # inside one item
            elif spread:
                node.atoms.add(source.array_atom)
            # a constant under * creates no list: nothing above the star

    # --- values ----------------------------------------------------------------------------

    def check_value(self, rule, segments, source, schema):
        index = rule.get("index")
        transforms = rule.get("transforms") or []
        try:
            shape = tf.push(transforms, source.shape)
        except tf.TransformError as error:
            self.transform_problem(error, rule, segments, source, None)
        else:
            self.report(prove(shape, schema), rule, segments, source, None, shape)
        if segments[-1] == "*" and source.atom != ALWAYS and rule.get("default") is None:
            self.error(
                "optional_source",
                _(
                    "Each item of the agency list «%(target)s» (%(pointer)s) needs a value, "
                    "but %(source)s may be empty in an item. Make the question required or "
                    "set a default value."
                )
                % {**self.target_words(segments), "source": source.phrase},
                segments,
                source.name,
                index,
            )
        default = rule.get("default")
        if default is not None and rule.get("source") == "field":
            phrase = _("the default value «%(value)s»") % {"value": default}
            try:
                value = tf.apply(transforms, default)
            except tf.TransformError as error:
                self.transform_problem(error, rule, segments, source, phrase)
                return
            self.report(
                prove(Shape.of_values([value]), schema), rule, segments, source, phrase, None
            )

    def transform_problem(self, error, rule, segments, source, phrase):
        phrase = source.phrase if phrase is None else phrase
        words = {
            **self.target_words(segments),
            "source": phrase,
            "transform": transform_label(error.transform),
            "got": type_name(error.params.get("got")),
            "value": error.params.get("value", ""),
            "label": error.params.get("label", ""),
            "format": error.params.get("format", ""),
        }
        code = "transform"
        if error.reason == "no_entry":
            code = "enum_missing"
            message = (
                _(
                    "The choice «%(label)s» (%(value)s) of %(source)s is missing from the code "
                    "lookup, and the lookup has no code for anything else."
                )
                if words["label"]
                else _(
                    "The value «%(value)s» of %(source)s is missing from the code lookup, and "
                    "the lookup has no code for anything else."
                )
            )
        elif error.reason == "not_a_date":
            message = _("«%(transform)s» needs a date, but %(source)s is not a date.")
        elif error.reason in ("not_text", "not_joinable"):
            message = _("«%(transform)s» needs text, but %(source)s gives %(got)s.")
        elif error.reason == "not_text_parts":
            message = _("«%(transform)s» needs parts that are all text; %(source)s has others.")
        elif error.reason == "not_digits":
            message = _(
                "«%(transform)s» needs text that is guaranteed to be digits, but %(source)s "
                "is not; add «Digits only» before it."
            )
        elif error.reason == "not_a_choice":
            message = _(
                "«%(transform)s» needs a choice or a yes/no question, or a code for anything "
                "else; %(source)s may be any text."
            )
        elif error.reason == "unknown_format":
            message = _("Unknown date format «%(format)s».")
        elif error.reason == "unknown_transform":
            message = _("Unknown transform «%(transform)s».")
        else:
            message = _("«%(transform)s» cannot turn the value «%(value)s» of %(source)s.")
        self.error(code, message % words, segments, source.name, rule.get("index"))

    def report(self, failures, rule, segments, source, phrase, shape):
        index = rule.get("index")
        for code, sub_path, detail in failures:
            phrase = source.phrase if phrase is None else phrase
            where = list(segments) + [p for p in sub_path.split("/") if p]
            words = {
                **self.target_words(where),
                "source": phrase,
                "limit": detail.get("limit"),
                "keyword": detail.get("keyword"),
                "value": detail.get("value"),
                "label": detail.get("label"),
            }
            if code == "unsupported_schema":
                self.unsupported(detail["keyword"], where, rule, source)
                continue
            if code == "type_mismatch":
                got = detail.get("got") or (shape.type if shape else "any")
                expected = detail.get("expected")
                if got == "array" or (expected and "array" in expected and got != "array"):
                    code = "array_shape"
                    message = (
                        _(
                            "%(source)s gives a list (one value per item), but the agency field "
                            "«%(target)s» (%(pointer)s) is not a list. Use * in the target to "
                            "fill one list item per group item, or join the values."
                        )
                        if got == "array"
                        else _(
                            "%(source)s gives one value, but the agency field «%(target)s» "
                            "(%(pointer)s) is a list."
                        )
                    )
                elif detail.get("keyword") == "type" and detail.get("value") is not None:
                    message = _(
                        "The value «%(value)s» of %(source)s is not of the kind the agency field "
                        "«%(target)s» (%(pointer)s) expects."
                    )
                else:
                    message = _(
                        "%(source)s gives %(got)s, but the agency field «%(target)s» "
                        "(%(pointer)s) expects %(expected)s."
                    )
                    words["got"], words["expected"] = type_name(got), type_name(expected or [])
            elif code == "enum_missing":
                if detail.get("value") is None:
                    message = _(
                        "%(source)s may give values outside the list the agency field "
                        "«%(target)s» (%(pointer)s) allows. Add a code lookup."
                    )
                elif detail.get("label"):
                    message = _(
                        "The choice «%(label)s» (%(value)s) of %(source)s has no matching value "
                        "in the agency field «%(target)s» (%(pointer)s). Add a code lookup."
                    )
                else:
                    message = _(
                        "The value «%(value)s» of %(source)s is not allowed in the agency field "
                        "«%(target)s» (%(pointer)s)."
                    )
            elif code == "pattern":
                message = _(
                    "%(source)s is not guaranteed to match the pattern %(limit)s of the agency "
                    "field «%(target)s» (%(pointer)s)."
                )
            elif code == "format":
                message = _(
                    "%(source)s is not guaranteed to be in the format «%(limit)s» the agency "
                    "field «%(target)s» (%(pointer)s) requires."
                )
            elif code == "max_length":
                message = (
                    _(
                        "%(source)s may be shorter than the %(limit)s characters the agency "
                        "field «%(target)s» (%(pointer)s) needs."
                    )
                    if detail.get("keyword") == "minLength"
                    else _(
                        "%(source)s may be longer than the %(limit)s characters the agency "
                        "field «%(target)s» (%(pointer)s) allows."
                    )
                )
            elif code == "bounds":
                if detail.get("keyword") == "uniqueItems":
                    message = _(
                        "%(source)s may repeat items, but the agency field «%(target)s» "
                        "(%(pointer)s) needs distinct items."
                    )
                elif detail.get("keyword") in ("minItems", "maxItems"):
                    message = _(
                        "%(source)s may have a number of items the agency field «%(target)s» "
                        "(%(pointer)s) does not allow (%(keyword)s %(limit)s)."
                    )
                else:
                    message = _(
                        "%(source)s may fall outside the bounds of the agency field "
                        "«%(target)s» (%(pointer)s): %(keyword)s %(limit)s."
                    )
            elif code == "unknown_target":
                message = _(
                    "%(source)s has a part that the agency field «%(target)s» (%(pointer)s) "
                    "does not allow."
                )
            elif code == "required_unmapped":
                message = _(
                    "The agency field «%(target)s» (%(pointer)s) is required, but %(source)s "
                    "has no such part."
                )
            elif code == "optional_source":
                message = _(
                    "The agency field «%(target)s» (%(pointer)s) is required, but that part of "
                    "%(source)s may be empty."
                )
            else:
                message = _(
                    "%(source)s cannot be proven valid for the agency field «%(target)s» "
                    "(%(pointer)s)."
                )
            self.error(code, message % words, where, source.name, index)

    # --- presence --------------------------------------------------------------------------

    @staticmethod
    def implies(parent_atoms, child_atoms):
        """Whenever the parent exists, the child does."""
        if ALWAYS in child_atoms:
            return True
        return ALWAYS not in parent_atoms and parent_atoms <= child_atoms

    def check_presence(self, node):
        schema = node.schema if isinstance(node.schema, dict) else {}
        if node.leaf_rule is not None:
            return
        if node.segments and node.segments[-1] != "*" and "*" in node.children:
            self.check_presence(node.children["*"])
            return
        atoms = node.atoms
        if node.segments and node.segments[-1] == "*":
            atoms = {ALWAYS}  # every item of a spread group exists
        properties = schema.get("properties") or {}
        for name in schema.get("required") or ():
            child = node.children.get(name)
            here = (*node.segments, name)
            if child is None:
                self.error(
                    "required_unmapped",
                    _(
                        "The agency field «%(target)s» (%(pointer)s) is required, but no rule "
                        "fills it."
                    )
                    % self.target_words(here),
                    here,
                )
            elif not self.implies(atoms, child.atoms):
                rule = self.leaf_rule_under(child)
                source = self.rules_by_index().get(rule, {})
                label = self.labels.get(source.get("field"), source.get("field") or "")
                self.error(
                    "optional_source",
                    _(
                        "The agency field «%(target)s» (%(pointer)s) is required, but "
                        "%(source)s may be empty or hidden. Make the question required or set "
                        "a default value."
                    )
                    % {
                        **self.target_words(here),
                        "source": _("the field «%(label)s»") % {"label": label}
                        if label
                        else _("its source"),
                    },
                    here,
                    source.get("field", ""),
                    rule,
                )
        for name in properties:
            if name in node.children or name in (schema.get("required") or ()):
                continue
            here = (*node.segments, name)
            self.add(
                "warning",
                "optional_unmapped",
                _("The optional agency field «%(target)s» (%(pointer)s) is not filled.")
                % self.target_words(here),
                here,
            )
        for child in node.children.values():
            self.check_presence(child)

    def rules_by_index(self):
        if not hasattr(self, "_by_index"):
            self._by_index = {rule.get("index"): rule for rule in self.rules}
        return self._by_index

    def leaf_rule_under(self, node):
        """A rule whose presence the node depends on (the first optional one)."""
        stack = [node]
        found = None
        while stack:
            current = stack.pop()
            if current.leaf_rule is not None:
                rule = self.rules_by_index().get(current.leaf_rule, {})
                if rule.get("source") == "field" and rule.get("default") is None:
                    return current.leaf_rule
                found = found if found is not None else current.leaf_rule
            stack.extend(current.children.values())
        return found

    # --- data minimisation -----------------------------------------------------------------

    def check_unused(self):
        used = set()
        for rule in self.rules:
            if rule.get("source") == "field" and rule.get("field"):
                parts = rule["field"].split(".")
                used.add(parts[0])
                if len(parts) > 1:
                    used.add(f"{parts[0]}.{parts[1]}")
        in_conditions = set()
        for step in (self.form_schema.get("layout") or {}).get("steps") or []:
            if step.get("condition"):
                in_conditions.add(step["condition"].get("field"))
            for layout_field in step.get("fields") or []:
                if layout_field.get("condition"):
                    in_conditions.add(layout_field["condition"].get("field"))
        for step in (self.form_schema.get("layout") or {}).get("steps") or []:
            for layout_field in step.get("fields") or []:
                key = layout_field.get("key")
                if not key or layout_field["type"] in NOT_SENT or key in in_conditions:
                    continue
                if layout_field["type"] == "group":
                    for child in layout_field["options"].get("fields") or []:
                        path = f"{key}.{child.get('key')}"
                        if child.get("type") not in NOT_SENT and path not in used:
                            self.unused(path)
                elif key not in used:
                    self.unused(key)

    def unused(self, path):
        self.add(
            "warning",
            "unused_field",
            _(
                "The answer to «%(label)s» is collected but sent nowhere. Map it, or remove the "
                "question if the agency does not need it (personal data law asks to collect only "
                "what is needed)."
            )
            % {"label": self.labels.get(path, path)},
            source=path,
        )


def check_mapping(form_schema, rules, payload_schema):
    """Every problem of the mapping, errors first, in rule order."""
    problems = Checker(form_schema, rules, payload_schema).run()
    order = {"error": 0, "warning": 1}
    return sorted(
        problems,
        key=lambda p: (order.get(p.severity, 2), p.rule if p.rule is not None else 10**9),
    )


__all__ = ["Problem", "check_mapping", "has_errors", "lower_first"]
