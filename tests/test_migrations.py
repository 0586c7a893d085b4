"""Migrations build the same schema as the models, on an empty database (SQLite, and
PostgreSQL in a schema of its own when TEST_DATABASE_URL is set)."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from community.extensions import db
from tests.conftest import PG_URL, make_app

SCHEMA = "migration_check"


def test_migrations_match_models(tmp_path):
    if PG_URL:
        _fresh_schema(PG_URL)
        app = make_app(tmp_path, SQLALCHEMY_ENGINE_OPTIONS={
            "connect_args": {"options": f"-csearch_path={SCHEMA}"}})
    else:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///migrated.sqlite")
    try:
        with app.app_context():
            _upgrade_from_nothing()
            with db.engine.connect() as conn:
                diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
            assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
            if PG_URL:
                _check_postgresql_extras()
            else:
                triggers = db.session.execute(db.text(
                    "SELECT name FROM sqlite_master WHERE type='trigger'")).scalars().all()
                assert "audit_log_no_update" in triggers
            db.session.remove()
            db.engine.dispose()
    finally:
        if PG_URL:
            _drop_schema(PG_URL)


def _upgrade_from_nothing():
    db.drop_all()
    db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
    db.session.commit()
    upgrade()


def _check_postgresql_extras():
    """What compare_metadata does not look at: the append-only trigger and the path's
    byte-wise collation that the "this unit or below" range relies on."""
    assert db.session.scalar(db.text(
        "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE t.tgname = 'audit_log_append_only' AND n.nspname = :s"), {"s": SCHEMA}) == 1
    assert db.session.scalar(db.text(
        "SELECT collation_name FROM information_schema.columns WHERE table_schema = :s "
        "AND table_name = 'unit' AND column_name = 'path'"), {"s": SCHEMA}) == "C"


def _fresh_schema(url):
    _drop_schema(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {SCHEMA}")
    engine.dispose()


def _drop_schema(url):
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    engine.dispose()
