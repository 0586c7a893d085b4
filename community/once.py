"""Idempotent creates: a row carries the form's one-time token under a UNIQUE constraint."""

from sqlalchemy.exc import IntegrityError

from .extensions import db


def find_by_token(model, token: str | None):
    """The row a earlier submit with this token created, if any."""
    if not token:
        return None
    return db.session.scalar(db.select(model).where(model.submit_token == token))


def commit_once(model, row, token: str | None):
    """Commit; when a parallel retry with the same token won, return its row instead."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        if existing := find_by_token(model, token):
            return existing
        raise
    return row
