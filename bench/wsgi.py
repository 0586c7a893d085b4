"""The app as gunicorn serves it in the benchmark: production settings, a bench database.

BENCH_DATABASE_URL, BENCH_SECRET_KEY and BENCH_INSTANCE come from bench/run.py. Only the
login rate limit is off: two thousand voters log in from one address (127.0.0.1) to set up."""

import os

from community import create_app

app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["BENCH_DATABASE_URL"],
    "SECRET_KEY": os.environ["BENCH_SECRET_KEY"],
    "RATELIMIT_ENABLED": False,
}, instance_path=os.environ["BENCH_INSTANCE"])
