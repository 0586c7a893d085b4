"""The board's sections as rendered, kept per process (app) for a short time.

An entry is used only while the board version it was made at is still the database's
(service.version_clause, read with the unit in one query on every request), so a change on
the board shows on the next request on every host; BOARD_CACHE_SECONDS (60, what the page's
Cache-Control promises anyway) bounds what a write outside the audit chain could leave stale.
"""

import time

from flask import current_app

MAX_ENTRIES = 2000  # units × languages; past it the store starts again


def get(key, version: int, make):
    """The value kept for key at this version, else make() (kept for next time)."""
    ttl = current_app.config.get("BOARD_CACHE_SECONDS", 60)
    store = current_app.extensions.setdefault("board_cache", {})
    now = time.monotonic()
    kept = store.get(key)
    if kept is not None and kept[0] == version and kept[1] > now:
        return kept[2]
    value = make()
    if ttl > 0:
        if len(store) >= MAX_ENTRIES:
            store.clear()
        store[key] = (version, now + ttl, value)
    return value
