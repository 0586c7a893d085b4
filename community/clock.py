"""One source of the current time, so tests can move the clock."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now() -> datetime:
    """Return the current time as a naive UTC datetime (how the database stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date where the residents live (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai), which
    from midnight to 8 a.m. there is a day ahead of UTC's."""
    zone = current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return now().replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
