"""Every field type, registered on import; ``field_types()`` is the complete registry.

Import the types through here, never a registry half filled: the field type modules register
themselves with ``constructor.formbuilder.registry`` and this package imports them all, in the
order of the block picker.
"""

from constructor.formbuilder.registry import FIELD_TYPES
from constructor.formbuilder.types import basic, group, personal  # noqa: F401


def field_types():
    return FIELD_TYPES


def field_type(name):
    return FIELD_TYPES[name]
