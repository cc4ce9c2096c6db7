"""Presence: every required child of the payload exists whenever its parent does.

An object of the payload exists when anything under it is produced. Presence is a set of
atoms: the node exists when any atom holds (``always``; ``field:k`` = answer ``k`` is
present; ``part:…``/``item:…`` = an optional part, unknown). A child is present whenever its
parent is when it holds ``always`` or every atom of the parent.
"""

from django.utils.translation import gettext as _

ALWAYS = "always"


class PresenceMixin:
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
