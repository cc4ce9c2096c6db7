"""Data minimisation: an answer collected and sent nowhere is a warning (152-FZ)."""

from django.utils.translation import gettext as _

# Questions whose answers are never sent to an agency.
NOT_SENT = {"consent", "file", "info"}


class MinimisationMixin:
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
