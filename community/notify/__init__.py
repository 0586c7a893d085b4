"""Notices to residents: the to-do section, the list, and the SMS outbox."""

from . import todos  # noqa: F401 - the to-do section
