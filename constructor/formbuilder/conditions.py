"""Whether a field or step is shown, given the answers so far.

``compiler.condition_schema`` is the JSON Schema twin of ``is_visible``: keep them in step.
"""


def is_visible(condition, answers):
    if not condition:
        return True
    key, operator, value = condition["field"], condition["operator"], condition.get("value")
    if key not in answers:
        return operator == "not_equals"
    answer = answers[key]
    if operator == "filled":
        return True
    if operator == "is_true":
        return answer is True
    if operator == "is_false":
        return answer is False
    if operator == "one_of":
        if isinstance(answer, list):
            return any(_same(item, code) for item in answer for code in value)
        return any(_same(answer, code) for code in value)
    if isinstance(answer, list):
        equals = any(_same(item, value) for item in answer)
    else:
        equals = _same(answer, value)
    return not equals if operator == "not_equals" else equals


def _same(answer, value):
    """JSON equality: ``true`` is not ``1`` (Python says it is)."""
    if isinstance(answer, bool) or isinstance(value, bool):
        return isinstance(answer, bool) and isinstance(value, bool) and answer == value
    return answer == value


def visible_steps(layout, answers):
    return [step for step in layout["steps"] if is_visible(step.get("condition"), answers)]


def visible_fields(step, answers):
    return [field for field in step["fields"] if is_visible(field.get("condition"), answers)]
