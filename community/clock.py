"""One source of the current time, so tests can move the clock, and the one place that
converts between the naive UTC the database keeps and Beijing wall-clock time."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def now() -> datetime:
    """Return the current time as a naive UTC datetime (how the database stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """Today's date where the residents live (BABEL_DEFAULT_TIMEZONE, Asia/Shanghai), which
    from midnight to 8 a.m. there is a day ahead of UTC's."""
    return local(now()).date()


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"] if has_app_context()
                    else "Asia/Shanghai")


def local(moment: datetime) -> datetime:
    """A naive UTC datetime as local (Beijing) wall-clock time, naive."""
    return moment.replace(tzinfo=UTC).astimezone(_zone()).replace(tzinfo=None)


def from_local(moment: datetime) -> datetime:
    """A naive local (Beijing) wall-clock time as naive UTC."""
    return moment.replace(tzinfo=_zone()).astimezone(UTC).replace(tzinfo=None)


def to_utc(day: date, at: time = time()) -> datetime:
    """A local date and clock time (midnight by default) as the naive UTC the database keeps."""
    return from_local(datetime.combine(day, at))


def next_daytime(moment: datetime, opens: time = time(8), closes: time = time(21)) -> datetime:
    """moment (naive UTC) if the local time then is between opens and closes, else the next
    opening (quiet hours: nobody is woken by a message)."""
    wall = local(moment)
    if opens <= wall.time() < closes:
        return moment
    day = wall.date() if wall.time() < opens else wall.date() + timedelta(days=1)
    return from_local(datetime.combine(day, opens))
