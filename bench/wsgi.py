"""The app as gunicorn serves it in the benchmark (bench/benchapp.py): production settings,
a bench database, and the bench's own empty logged-in view."""

from bench.benchapp import from_env

app = from_env()
