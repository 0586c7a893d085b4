"""One source of the current time, so tests can move the clock."""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time as a naive UTC datetime (how the database stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)
