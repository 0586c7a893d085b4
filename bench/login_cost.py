"""What one login costs the server: the app's own PIN check (pepper, then scrypt at
production's cost), timed in-process."""

import time

from community.residents.pins import check_pin, hash_pin


def login_cost(app, rounds: int = 10) -> float:
    """Milliseconds of CPU for one PIN check as the app makes it at login."""
    with app.app_context():
        stored = hash_pin("135790")
        started = time.process_time()
        for _ in range(rounds):
            check_pin(stored, "135790")
        return (time.process_time() - started) / rounds * 1000
