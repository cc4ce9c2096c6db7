"""Importing this package registers every field type (order = order in the block picker)."""

from constructor.formbuilder.types import basic, group, personal  # noqa: F401
