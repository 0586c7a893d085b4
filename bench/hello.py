"""The ceiling: a bare Flask app that answers "hello", served with the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    """Say hello: no template, no database, no session."""
    return "hello"
