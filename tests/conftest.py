"""Fixtures: a fresh app and database per test (SQLite in tmp, or TEST_DATABASE_URL)."""

import os
import re

import pytest
from flask import has_app_context
from flask.testing import FlaskClient

from community import create_app
from community.extensions import db

PG_URL = os.environ.get("TEST_DATABASE_URL")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                     r'name="csrf_token" value="([^"]+)"')


class Client(FlaskClient):
    """Each request gets its own app context, so `g` (Flask-Login, CSRF) and the database
    session are fresh per request as in production, while the test keeps its own."""

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()  # the test's setup is visible to the request; no stale snapshot
        with self.application.app_context():
            return super().open(*args, **kwargs)


def make_app(tmp_path, **overrides):
    """Create the app on a fresh, empty database with all tables."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": PG_URL or "sqlite:///test.sqlite",
        "PIN_HASH_METHOD": "pbkdf2:sha256:1000",
        "PIN_PEPPER": "test-pepper",
        "SQLITE_SYNCHRONOUS": "OFF",
    }
    config.update(overrides)
    app = create_app(config, instance_path=str(tmp_path / "instance"))
    app.test_client_class = Client
    with app.app_context():
        if PG_URL:
            _empty_postgres()
        else:
            db.create_all()
    return app


_schemas_made: set[str] = set()


def _empty_postgres():
    """All tables present and empty. Dropping and creating 44 tables per test cost about a
    second; emptying them costs a third. The schema is made afresh once per run (it may be
    an older one) and again whenever a test dropped part of it."""
    tables = db.metadata.sorted_tables
    schema, present, guarded = db.session.execute(db.text(
        "SELECT current_schema(), (SELECT count(*) FROM information_schema.tables"
        "        WHERE table_schema = current_schema() AND table_name = ANY(:names)),"
        "       (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
        "        WHERE t.tgname = 'audit_log_append_only'"
        "          AND c.relnamespace = current_schema()::regnamespace)"),
        {"names": [t.name for t in tables]}).one()
    if schema not in _schemas_made or present != len(tables) or not guarded:
        db.session.remove()  # (audit tests drop the trigger)
        db.drop_all()
        db.create_all()
        _schemas_made.add(schema)
        return
    names = ", ".join(f'"{t.name}"' for t in tables)
    db.session.execute(db.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


def close_app(app) -> None:
    """Give back the app's database connections. Nothing is dropped: the next make_app
    empties the tables (an open PostgreSQL connection left to the garbage collector warns)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(tmp_path):
    app = make_app(tmp_path)
    with app.app_context():
        yield app
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


SUBMIT_TOKEN_RE = re.compile(r'name="submit_token" type="hidden" value="([^"]+)"')


def form_tokens(client, url: str) -> dict:
    """The CSRF token and one-time submit token of the form on a page."""
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_token(html)}
    if m := SUBMIT_TOKEN_RE.search(html):
        data["submit_token"] = m.group(1)
    return data


def post_form(client, url: str, data: dict, page: str | None = None, **kw):
    """POST a form with the tokens a browser would have from its page."""
    return client.post(url, data={**form_tokens(client, page or url), **data}, **kw)


def count(model, *where) -> int:
    """How many rows of model match."""
    return len(db.session.scalars(db.select(model).where(*where)).all())


def csrf_token(html: str) -> str:
    """The CSRF token in a rendered page."""
    m = CSRF_RE.search(html)
    assert m, "no csrf_token in page"
    return m.group(1) or m.group(2)


class AuthActions:
    def __init__(self, client):
        self._client = client

    def token(self, path="/login") -> str:
        return csrf_token(self._client.get(path).get_data(as_text=True))

    def login(self, login="13800000001", pin="135790", next_url=None):
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self._client.post(url, data={"login": login, "pin": pin,
                                            "csrf_token": self.token()})

    def logout(self):
        return self._client.post("/logout", data={"csrf_token": self.token("/")})

    def post(self, url, data=None, token_from=None, **kw):
        """POST a form with a fresh CSRF token taken from token_from (default: url)."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token(token_from or url))
        return self._client.post(url, data=data, **kw)


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def demo(app):
    """The full demo data set, as `make run` loads it."""
    from community.demo import seed_all
    return seed_all.run()
