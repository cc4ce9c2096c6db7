"""The payload tree: where each rule's target sits, and the keywords of the nodes above it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from constructor.integrations.proof.mapping import make_pointer
from constructor.integrations.proof.shapes import ANNOTATIONS, schema_types

OBJECT_NODE_KEYWORDS = {"type", "properties", "required", "additionalProperties"}
ARRAY_NODE_KEYWORDS = {"type", "items", "minItems", "maxItems"}


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


class PayloadTreeMixin:
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
