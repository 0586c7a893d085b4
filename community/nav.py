"""The main menu: numbered entries with accesskeys 1–9 for keypad phones."""

from dataclasses import dataclass

from flask import current_app, url_for

from .access import is_staff

# (endpoint, label, who): who is "all", "user" (logged in) or "staff".
ENTRIES = [
    ("home.index", "首页", "all"),
    ("issues.index", "议题", "user"),
    ("meetings.index", "会议", "user"),
    ("ballots.index", "投票", "user"),
    ("board.index", "公开栏", "all"),
    ("volunteer.index", "走访", "volunteer"),
    ("home.profile", "我的", "user"),
    ("home.staff", "管理", "staff"),
]


@dataclass
class MenuItem:
    key: int
    label: str
    url: str
    endpoint: str


def menu_for(user) -> list[MenuItem]:
    """The menu entries this user may use, numbered from 1."""
    items: list[MenuItem] = []
    logged_in = bool(getattr(user, "is_authenticated", False))
    for endpoint, label, who in ENTRIES:
        if endpoint not in current_app.view_functions:
            continue
        if who != "all" and not logged_in:
            continue
        if who == "staff" and not is_staff(user):
            continue
        if who == "volunteer" and not any(r.role == "volunteer" for r in user.roles):
            continue
        items.append(MenuItem(len(items) + 1, label, url_for(endpoint), endpoint))
    return items[:9]
