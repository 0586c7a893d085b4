"""What one login costs the server: the production PIN hash check, timed in-process."""

import time

from werkzeug.security import check_password_hash, generate_password_hash

from community.config import defaults


def login_cost(rounds: int = 10) -> float:
    """Milliseconds of CPU for one PIN check with the configured method (scrypt)."""
    method = defaults("/nonexistent")["PIN_HASH_METHOD"]
    stored = generate_password_hash("135790", method=method)
    started = time.process_time()
    for _ in range(rounds):
        check_password_hash(stored, "135790")
    return (time.process_time() - started) / rounds * 1000
