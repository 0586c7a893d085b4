"""The main menu: numbered entries with accesskeys 1–9 for keypad phones."""

from dataclasses import dataclass

from flask import url_for

from .access import is_staff, role_names
from .i18n import lazy_gettext as _l

# (endpoint, label, who): who is "all", "user" (logged in) or "staff".
ENTRIES = [
    ("home.index", _l("首页"), "all"),
    ("issues.index", _l("议题"), "user"),
    ("meetings.index", _l("会议"), "user"),
    ("ballots.index", _l("投票"), "user"),
    ("board.index", _l("公开栏"), "all"),
    ("volunteer.index", _l("走访"), "volunteer"),
    ("home.profile", _l("我的"), "user"),
    ("home.staff", _l("管理"), "staff"),
]


@dataclass
class MenuItem:
    key: int
    label: object  # a lazy translated string
    url: str
    endpoint: str


def menu_for(user) -> list[MenuItem]:
    """The menu entries this user may use, numbered from 1."""
    items: list[MenuItem] = []
    logged_in = bool(getattr(user, "is_authenticated", False))
    for endpoint, label, who in ENTRIES:
        if who != "all" and not logged_in:
            continue
        if who == "staff" and not is_staff(user):
            continue
        if who == "volunteer" and "volunteer" not in role_names(user):
            continue
        items.append(MenuItem(len(items) + 1, label, url_for(endpoint), endpoint))
    return items[:9]
