"""PINs and resident codes: generating, hashing, checking."""

import secrets

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

# PINs nobody should be handed: all one digit, straight runs, the demo PIN aside.
WEAK_PINS = {str(d) * 6 for d in range(10)} | {"123456", "654321", "012345", "543210"}


def hash_pin(pin: str) -> str:
    """Hash a PIN with the configured method (scrypt in production)."""
    return generate_password_hash(pin, method=current_app.config["PIN_HASH_METHOD"])


def check_pin(pin_hash: str, pin: str) -> bool:
    """True when the PIN matches the stored hash."""
    return check_password_hash(pin_hash, pin)


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
