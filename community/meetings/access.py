"""Who may read and who may manage a body or meeting (checked in views and services)."""

from flask import abort
from flask_login import current_user

from .. import clock
from ..access import belongs_to, has_role
from ..extensions import db
from .models import Body, Meeting

STAFF = ("worker", "party_reviewer", "supervisor")


def can_manage(user, body: Body) -> bool:
    """Workers (两委) of the body's unit or a unit above it."""
    return has_role(user, "worker", body.unit)


def can_review(user, body: Body) -> bool:
    """The Party organisation's reviewers of the body's unit."""
    return has_role(user, "party_reviewer", body.unit)


def is_invited(user, meeting: Meeting) -> bool:
    """A standing member of the body or a stakeholder invited to this meeting."""
    uid = getattr(user, "id", None)
    return uid is not None and any(p.resident_id == uid
                                   for p in meeting.body.members + meeting.stakeholders)


def can_read(user, meeting: Meeting) -> bool:
    """People of the body's unit, staff over it, and whoever was invited."""
    return belongs_to(user, meeting.body.unit) or is_invited(user, meeting)


def meeting_or_404(meeting_id: int, manage: bool = False) -> Meeting:
    """Load a meeting the current user may read (or manage), else 404/403."""
    meeting = db.get_or_404(Meeting, meeting_id)
    allowed = can_manage if manage else can_read
    if not allowed(current_user, meeting.body if manage else meeting):
        abort(403)
    return meeting


def body_or_404(body_id: int) -> Body:
    """Load a body the current user manages, else 404/403."""
    body = db.get_or_404(Body, body_id)
    if not can_manage(current_user, body):
        abort(403)
    return body


def has_started(meeting: Meeting) -> bool:
    """True once the meeting's start time has come; then only its minutes may change."""
    return meeting.starts_at <= clock.now()


def has_ended(meeting: Meeting) -> bool:
    return meeting.ends_at <= clock.now()
