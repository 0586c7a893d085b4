"""The app as the benchmark runs it, in gunicorn (bench/wsgi.py) and in-process alike:
production settings and a bench database, plus one view of the bench's own that the product
never has: `/_bench/empty`, a logged-in page that does nothing, so the table can show what the
app's own machinery (session, user loader, hooks, compression) costs before any page's work.

The login rate limit is raised out of reach (thousands of logins come from one address,
127.0.0.1) but the limiter stays on, so a login pays its check as in production.
PIN_PEPPER is fixed so every process (set-up, gunicorn workers) checks the same PIN hashes;
PIN_HASH_METHOD is production's, so a login costs what it costs in production."""

import os

from flask_login import login_required
from sqlalchemy.engine import make_url

from community import create_app
from community.config import defaults

EMPTY = "/_bench/empty"
PEPPER = "bench-pepper, not a secret"
PIN_HASH_METHOD = defaults("/nonexistent")["PIN_HASH_METHOD"]  # production's: scrypt:4096:8:1


KNOWN_CACHES = {"BOARD_CACHE_SECONDS": 0}  # the notice board's rendered sections, per process


def cache_switches(instance: str) -> dict:
    """Settings that switch the app's caches off, for the cold measurement: the known ones,
    and every other *CACHE* setting of the defaults set to 0 or False."""
    off = dict(KNOWN_CACHES)
    for key, value in defaults(instance).items():
        if "CACHE" in key and isinstance(value, bool):
            off[key] = False
        elif "CACHE" in key and isinstance(value, int | float):
            off[key] = 0
    return off


def config(url: str, secret: str, instance: str, cold: bool = False) -> dict:
    cfg = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secret,
           "LOGIN_RATE_LIMIT": "1000000 per minute", "PIN_PEPPER": PEPPER,
           "PIN_HASH_METHOD": PIN_HASH_METHOD}
    return {**cfg, **(cache_switches(instance) if cold else {})}


def build(url: str, secret: str, instance: str, cold: bool = False):
    """The product's app with the bench's settings and the empty logged-in view."""
    app = create_app(config(url, secret, instance, cold), instance_path=instance)

    @login_required
    def empty():
        """Nothing: what any logged-in page costs before its own work."""
        return "ok"

    app.add_url_rule(EMPTY, "bench_empty", empty)
    return app


def schema_url(base: str, schema: str) -> str:
    """A PostgreSQL URL whose connections work in `schema` (search_path): the bench keeps its
    tables out of every other schema of the database it is given."""
    return make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}) \
        .render_as_string(hide_password=False)


def from_env():
    """The app gunicorn serves: BENCH_DATABASE_URL, BENCH_SECRET_KEY, BENCH_INSTANCE and
    BENCH_COLD come from bench/run.py."""
    return build(os.environ["BENCH_DATABASE_URL"], os.environ["BENCH_SECRET_KEY"],
                 os.environ["BENCH_INSTANCE"], cold=os.environ.get("BENCH_COLD") == "1")
