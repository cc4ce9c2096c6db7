"""Values: a source's shape, through the rule's transforms, inside the target's schema.

``shapes.prove`` shows the shape inside the target's schema keyword by keyword; a keyword it
does not understand is ``unsupported_schema``. What fails is told in the editor's words.
"""

from django.utils.translation import gettext as _

from constructor.integrations.proof import transforms as tf
from constructor.integrations.proof.presence import ALWAYS
from constructor.integrations.proof.problems import transform_label, type_name
from constructor.integrations.proof.shapes import Shape, prove


class ValuesMixin:
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
