"""PINs and resident codes: generating, hashing, checking.

A stored PIN hash is `p:<pepper id>$<werkzeug hash of HMAC-SHA256(pepper, PIN)>`. The pepper
lives outside the database (PIN_PEPPER), so a copied table alone cannot be tried against the
10^6 possible PINs; the pepper id says which pepper made the hash, so a rotated one
(PIN_PEPPER_OLD) still checks. Hashes without the prefix are from before the pepper: they
check as plain werkzeug hashes and are replaced at the next correct PIN (`needs_rehash`)."""

import hashlib
import hmac
import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# PINs nobody should be handed: all one digit, straight runs, the demo PIN aside.
WEAK_PINS = {str(d) * 6 for d in range(10)} | {"123456", "654321", "012345", "543210"}


def _pepper_id(pepper: str) -> str:
    return hashlib.sha256(pepper.encode()).hexdigest()[:8]


def _keyed(pepper: str, pin: str) -> str:
    return hmac.new(pepper.encode(), pin.encode(), hashlib.sha256).hexdigest()


def _peppers() -> dict[str, str]:
    """Pepper id -> pepper, for the current pepper and the one before a rotation."""
    cfg = current_app.config
    return {_pepper_id(p): p for p in (cfg["PIN_PEPPER_OLD"], cfg["PIN_PEPPER"]) if p}


def hash_pin(pin: str) -> str:
    """Hash a PIN keyed with the current pepper, with the configured slow hash."""
    pepper = current_app.config["PIN_PEPPER"]
    method = current_app.config["PIN_HASH_METHOD"]
    return f"p:{_pepper_id(pepper)}${generate_password_hash(_keyed(pepper, pin), method=method)}"


def check_pin(pin_hash: str, pin: str) -> bool:
    """True when the PIN matches the stored hash (made with the current or the old pepper,
    or from before the pepper)."""
    if not pin_hash.startswith("p:"):
        return check_password_hash(pin_hash, pin)
    kid, _, inner = pin_hash[2:].partition("$")
    pepper = _peppers().get(kid)
    return pepper is not None and check_password_hash(inner, _keyed(pepper, pin))


def needs_rehash(pin_hash: str) -> bool:
    """True when a hash checked correct but was made without the current pepper or with
    another slow-hash cost: the next correct PIN replaces it."""
    cfg = current_app.config
    prefix = f"p:{_pepper_id(cfg['PIN_PEPPER'])}${cfg['PIN_HASH_METHOD']}$"
    return not pin_hash.startswith(prefix)


def new_pin() -> str:
    """A random 6-digit PIN that is not an obvious one."""
    while True:
        pin = f"{secrets.randbelow(10**6):06d}"
        if pin not in WEAK_PINS:
            return pin


def new_code(taken) -> str:
    """A random 8-digit resident code for the slip, not in `taken` (a container of codes)."""
    while True:
        code = f"{secrets.randbelow(9 * 10**7) + 10**7}"
        if code not in taken:
            return code
