"""Migrations build the same schema as the models, on an empty database."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from community.extensions import db
from tests.conftest import PG_URL, make_app


@pytest.mark.skipif(bool(PG_URL), reason="runs on a fresh SQLite file; PG uses create_all")
def test_migrations_match_models(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI="sqlite:///migrated.sqlite")
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
        triggers = db.session.execute(db.text(
            "SELECT name FROM sqlite_master WHERE type='trigger'")).scalars().all()
        assert "audit_log_no_update" in triggers
