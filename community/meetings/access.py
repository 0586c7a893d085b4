"""Who may read and who may manage a body or meeting (checked in views and services)."""

from .. import clock
from ..access import belongs_to, has_role
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


def has_started(meeting: Meeting) -> bool:
    """True once the meeting's start time has come; then only its minutes may change."""
    return meeting.starts_at <= clock.now()


def has_ended(meeting: Meeting) -> bool:
    return meeting.ends_at <= clock.now()
