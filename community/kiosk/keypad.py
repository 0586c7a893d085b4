"""The on-screen keypad without JavaScript: each key is a submit button named `key`.

The resident code is typed into a visible field and carried in the form. PIN digits typed on
the keypad are kept in the (HttpOnly, signed) session instead, so they never appear in the
HTML; only dots show how many were typed.
"""

import re
from dataclasses import dataclass

DIGITS = tuple("0123456789")
CODE_RE = re.compile(r"^\d{6,12}$")
PIN_LEN = 6
SESSION_KEY = "kiosk_pin"


@dataclass
class Entry:
    step: str  # "code" or "pin"
    code: str
    pin: str  # typed on the keypad (session) or straight into the field
    error: str = ""  # "code" or "pin": that one does not look right


def press(entry: Entry, key: str | None) -> tuple[Entry, bool]:
    """Apply one key; return the new entry and whether to try logging in now."""
    if key in DIGITS:
        return _type(entry, key), False
    if key == "del":
        return _edit(entry, lambda v: v[:-1]), False
    if key == "clear":
        return _edit(entry, lambda v: ""), False
    if key == "back":
        return Entry("code", entry.code, ""), False
    # "ok", or Enter pressed in a field (no key at all).
    if entry.step == "code":
        if not CODE_RE.match(entry.code):
            return Entry("code", entry.code, "", error="code"), False
        return Entry("pin", entry.code, ""), False
    if len(entry.pin) != PIN_LEN:
        return Entry("pin", entry.code, entry.pin, error="pin"), False
    return entry, True


def _type(entry: Entry, digit: str) -> Entry:
    if entry.step == "code":
        return Entry("code", (entry.code + digit)[:12], entry.pin)
    return Entry("pin", entry.code, (entry.pin + digit)[:PIN_LEN])


def _edit(entry: Entry, change) -> Entry:
    if entry.step == "code":
        return Entry("code", change(entry.code), entry.pin)
    return Entry("pin", entry.code, change(entry.pin))


def is_keypress(form) -> bool:
    """True when this POST cannot be a login attempt (so the login rate limit skips it)."""
    return form.get("step") != "pin" or form.get("key") in (*DIGITS, "del", "clear", "back")
