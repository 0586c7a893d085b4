""""My to-dos": each area adds a section provider; the home page shows them in order."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class TodoItem:
    text: str
    url: str
    note: str = ""


@dataclass
class TodoSection:
    title: str
    empty: str
    items: list[TodoItem] = field(default_factory=list)
    more: TodoItem | None = None  # a link to the whole list, when the section shows part of it
    done: tuple[str, str] | None = None  # (POST url, button label) that clears the section


# Filled by each area's `todos.py`, which its package imports: fn(resident) -> TodoSection.
PROVIDERS: list[tuple[int, Callable]] = []


def provider(order: int):
    """Register a to-do section provider; lower order shows first."""
    def register(fn):
        PROVIDERS.append((order, fn))
        PROVIDERS.sort(key=lambda p: p[0])
        return fn
    return register


def sections_for(resident) -> list[TodoSection]:
    """Every area's to-do section for this resident."""
    return [fn(resident) for _, fn in PROVIDERS]
