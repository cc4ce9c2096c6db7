"""Editor-time checks of a form: problems an official must fix before publishing.

``check_form(raw_stream_data)`` returns ``[(path, message)]`` where ``path`` walks the
stored data: ``(step index, "fields", field index, "condition", "field")``. The form block
turns each path into an error shown at that very block in the editor.

Keys are unique in their namespace (``keys``): step keys among steps, field keys among the
top-level fields, and the fields of a repeatable group among that group only, since their
answers are items of the group's own array (``children[0].name`` is not ``name``).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from constructor.formbuilder.compiler import compile_condition_raw
from constructor.formbuilder.registry import list_items
from constructor.formbuilder.types import field_type, field_types

VALUE_OPERATORS = ("equals", "not_equals", "one_of")
FIELD_KEY_TAKEN = gettext_noop(
    "The key %(key)s is already used by «%(label)s». Clear this key: it is made again from "
    "the question when you save."
)
STEP_KEY_TAKEN = gettext_noop(
    "The key %(key)s is already used by the step «%(label)s». Clear this key: it is made again "
    "from the step title when you save."
)


def _fields(raw_step):
    return [
        child
        for child in (raw_step.get("value") or {}).get("fields") or []
        if child.get("type") in field_types()
    ]


def check_form(raw_stream_data):
    field_types()
    problems = []
    steps = [step for step in raw_stream_data or [] if step.get("type") == "step"]
    # Field keys (answers) and step keys (pages) are two namespaces, each unique; each group's
    # fields are a namespace of their own.
    seen, step_keys = {}, {}
    in_groups = set()  # keys of group fields: a condition cannot refer to them
    positions = []  # every answering field in form order: (key, step index, path)

    def claim(key, path, label, taken=seen, message=FIELD_KEY_TAKEN):
        if not key:
            return False
        if key in taken:
            other = taken[key]
            problems.append(((*path, "key"), _(message) % {"key": key, "label": other["label"]}))
            return False
        return True

    for i, step in enumerate(steps):
        value = step.get("value") or {}
        if claim(value.get("key"), (i,), value.get("title") or "", step_keys, STEP_KEY_TAKEN):
            step_keys[value["key"]] = {"label": value.get("title") or "", "step": i}
        children = _fields(step)
        if not children:
            problems.append(((i, "fields"), _("Add at least one field to the step.")))
        for j, child in enumerate(children):
            kind = field_type(child["type"])
            field = child.get("value") or {}
            path = (i, "fields", j)
            problems += [((*path, *sub), message) for sub, message in kind.checks(field)]
            if not kind.has_answer:
                continue
            key = field.get("key")
            if claim(key, path, field.get("label") or ""):
                seen[key] = {
                    "label": field.get("label") or "",
                    "step": i,
                    "order": len(positions),
                    "type": child["type"],
                    "value": field,
                }
                positions.append(key)
            group_keys = {}
            for m, nested in enumerate(field.get("fields") or [] if kind.name == "group" else []):
                nested_value = nested.get("value") or {}
                nested_path = (*path, "fields", m)
                nested_kind = field_type(nested["type"])
                problems += [
                    ((*nested_path, *sub), message)
                    for sub, message in nested_kind.checks(nested_value)
                ]
                if compile_condition_raw(nested_value.get("condition")):
                    problems.append(
                        (
                            (*nested_path, "condition", "field"),
                            _("A field inside a group cannot have a condition."),
                        )
                    )
                nested_key = nested_value.get("key")
                if claim(nested_key, nested_path, nested_value.get("label") or "", group_keys):
                    group_keys[nested_key] = {"label": nested_value.get("label") or ""}
                    in_groups.add(nested_key)

    problems += _condition_problems(steps, seen, in_groups)
    return problems


def _condition_problems(steps, seen, in_groups):
    """Unknown, later, self-referring and circular conditions, and values that cannot match."""
    problems = []
    conditions = []  # (path, owner key or None, step index, own order, condition)
    edges = {}
    for i, step in enumerate(steps):
        value = step.get("value") or {}
        step_condition = compile_condition_raw(value.get("condition"))
        step_members = [
            (child.get("value") or {}).get("key")
            for child in _fields(step)
            if field_type(child["type"]).has_answer
        ]
        if step_condition:
            conditions.append(((i, "condition"), None, i, None, step_condition))
            for member in step_members:
                edges.setdefault(member, set()).add(step_condition["field"])
        for j, child in enumerate(_fields(step)):
            field = child.get("value") or {}
            condition = compile_condition_raw(field.get("condition"))
            if condition and field_type(child["type"]).has_answer:
                key = field.get("key")
                order = seen.get(key, {}).get("order")
                conditions.append(((i, "fields", j, "condition"), key, i, order, condition))
                edges.setdefault(key, set()).add(condition["field"])
            if child["type"] == "passport":
                problems += _birth_date_problem((i, "fields", j), field, seen)

    in_cycle = _keys_in_cycles(edges)
    for path, owner, step_index, order, condition in conditions:
        target_key = condition["field"]
        target = seen.get(target_key)
        at = (*path, "field")
        if target is None and target_key in in_groups:
            problems.append(
                (at, _("A condition cannot refer to a field inside a repeatable group."))
            )
        elif target is None:
            problems.append(
                (at, _("There is no field with the key %(key)s.") % {"key": target_key})
            )
        elif owner is not None and target_key == owner:
            problems.append((at, _("A field cannot depend on itself.")))
        elif owner in in_cycle and target_key in in_cycle:
            problems.append(
                (
                    at,
                    _(
                        "These conditions depend on each other in a circle: %(key)s depends "
                        "back on this field."
                    )
                    % {"key": target_key},
                )
            )
        elif owner is None and target["step"] >= step_index:
            problems.append((at, _("A step can depend only on a field of an earlier step.")))
        elif owner is not None and (
            target["step"] > step_index
            or (order is not None and target["order"] is not None and target["order"] > order)
        ):
            problems.append(
                (
                    at,
                    _(
                        "The field %(key)s comes later in the form: a condition can depend "
                        "only on an earlier field."
                    )
                    % {"key": target_key},
                )
            )
        else:
            message = _value_problem(condition, target)
            if message:
                problems.append(((*path, "value"), message))
    return problems


def _value_problem(condition, target):
    operator, text = condition["operator"], condition["value"]
    if operator not in VALUE_OPERATORS:
        return None
    if not text:
        return _("Enter the value to compare with.")
    if target["type"] == "choice":
        codes = {option.get("code") for option in list_items(target["value"].get("choices"))}
        wanted = [code.strip() for code in text.split(",")] if operator == "one_of" else [text]
        unknown = [code for code in wanted if code and code not in codes]
        if unknown:
            return _("The field %(key)s has no option with the code %(code)s.") % {
                "key": target["value"].get("key"),
                "code": ", ".join(unknown),
            }
    if target["type"] == "number" and operator != "one_of":
        try:
            float(text.replace(",", "."))
        except ValueError:
            return _("Enter a number to compare with.")
    if target["type"] in ("yes_no", "consent"):
        return _("For a yes/no question use the operators «is yes» or «is no».")
    return None


def _birth_date_problem(path, field, seen):
    key = field.get("birth_date_field")
    if not key:
        return []
    target = seen.get(key)
    own = seen.get(field.get("key"), {})
    if (
        target is None
        or target["type"] != "date"
        or own.get("order") is None
        or target["order"] > own["order"]
    ):
        return [
            (
                (*path, "birth_date_field"),
                _("Enter the key of an earlier date field with the birth date."),
            )
        ]
    return []


def _keys_in_cycles(edges):
    """Keys that sit on a cycle of the "depends on" graph."""
    in_cycle = set()
    for start in edges:
        stack, visited = list(edges.get(start, ())), set()
        while stack:
            node = stack.pop()
            if node == start:
                in_cycle.add(start)
                break
            if node in visited:
                continue
            visited.add(node)
            stack.extend(edges.get(node, ()))
    return in_cycle
