"""Who was invited (+N stakeholders), who came, check-in by code, counts and the quorum."""

import hmac
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction

from sqlalchemy.exc import IntegrityError

from .. import clock
from ..audit.service import record
from ..extensions import db
from ..i18n import gettext as _
from .bodies import find_person
from .common import commit_once, find_by_token
from .models import Attendance, Meeting, Stakeholder
from .seats import SEAT_LABELS, quorum_met
from .service import MeetingError

# Residents check in on their own phone from an hour before until an hour after the meeting.
CHECKIN_MARGIN = timedelta(hours=1)


@dataclass
class Invitee:
    key: str
    resident_id: int | None
    name: str
    seat: str
    seat_label: str
    org: str


@dataclass
class Summary:
    """Attendance in numbers: by seat, and the body's quorum (counted in exact fractions)."""
    present: list
    by_seat: list[tuple[str, int]]
    members: int
    members_present: int
    quorum_label: str
    quorum_met: bool | None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.members_present, self.members) if self.members else None


def invitees(meeting: Meeting) -> list[Invitee]:
    """The body's standing members, then this meeting's stakeholders (each person once)."""
    body, people = meeting.body, {}
    for m in body.members:
        people.setdefault(m.key, Invitee(m.key, m.resident_id, m.name, m.seat,
                                         body.seat_label(m.seat), m.org))
    for s in meeting.stakeholders:
        people.setdefault(s.key, Invitee(s.key, s.resident_id, s.name, "stakeholder",
                                         str(SEAT_LABELS["stakeholder"]), s.org))
    return list(people.values())


def summary(meeting: Meeting) -> Summary:
    """Who came, counts by seat, and whether the quorum is met."""
    came = {a.person for a in meeting.attendance}
    counts = Counter(a.seat for a in meeting.attendance)
    members = {m.key for m in meeting.body.members}
    present = len(members & came)
    quorum = meeting.body.quorum
    return Summary(list(meeting.attendance),
                   [(meeting.body.seat_label(s), counts[s]) for s in SEAT_LABELS if counts[s]],
                   len(members), present, meeting.body.quorum_label,
                   quorum_met(present, len(members), quorum) if quorum else None)


def checkin_open(meeting: Meeting) -> bool:
    now = clock.now()
    return meeting.starts_at - CHECKIN_MARGIN <= now <= meeting.ends_at + CHECKIN_MARGIN


def mark(meeting: Meeting, keys: set[str], actor) -> None:
    """A worker ticks who of the members and stakeholders came; unticked ones are removed."""
    if clock.now() < meeting.starts_at - CHECKIN_MARGIN:
        raise MeetingError(_("会议还没开始，不能记到会"))
    rows = {a.person: a for a in meeting.attendance}
    for p in invitees(meeting):
        if p.key in keys and p.key not in rows:
            meeting.attendance.append(Attendance(
                person=p.key, resident_id=p.resident_id, name=p.name, seat=p.seat,
                method="marked", recorded_by_id=actor.id, at=clock.now()))
        elif p.key not in keys and p.key in rows:
            meeting.attendance.remove(rows[p.key])
    record("attendance_marked", meeting, actor=actor, unit_id=meeting.body.unit_id,
           present=sorted(keys & {p.key for p in invitees(meeting)}))
    db.session.commit()


def _attend(meeting: Meeting, resident, method: str, actor) -> tuple[Attendance, bool]:
    """Record the resident as present (once: the database keeps one row per person)."""
    key = f"r{resident.id}"
    if row := next((a for a in meeting.attendance if a.person == key), None):
        return row, False
    seat = next((p.seat for p in invitees(meeting) if p.key == key), "resident")
    row = Attendance(meeting=meeting, person=key, resident_id=resident.id, name=resident.name,
                     seat=seat, method=method, recorded_by_id=actor.id, at=clock.now())
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # the same person checked in from another tap at the same moment
        db.session.rollback()
        return db.session.scalar(db.select(Attendance).where(
            Attendance.meeting_id == meeting.id, Attendance.person == key)), False
    record("attendance_" + method, meeting, actor=actor, unit_id=meeting.body.unit_id,
           resident_id=resident.id, seat=seat)
    db.session.commit()
    return row, True


def add_attendee(meeting: Meeting, who: str, actor) -> tuple[Attendance, bool]:
    """A worker records a resident found by phone or resident code as present."""
    if clock.now() < meeting.starts_at - CHECKIN_MARGIN:
        raise MeetingError(_("会议还没开始，不能记到会"), "who")
    return _attend(meeting, find_person(who, meeting.body.unit), "marked", actor)


def check_in(meeting: Meeting, resident, code: str) -> tuple[Attendance, bool]:
    """A resident checks in on their own phone with the meeting's 4-digit code."""
    if not checkin_open(meeting):
        raise MeetingError(_("现在不是签到时间：会前1小时到会后1小时可以签到"), "code")
    if not hmac.compare_digest(code.encode(), meeting.code.encode()):
        raise MeetingError(_("签到码不对，请看会场公布的4位数字再填一次"), "code")
    return _attend(meeting, resident, "code", resident)


def add_stakeholder(meeting: Meeting, who: str, name: str, org: str, actor,
                    token: str | None) -> Stakeholder:
    """Invite a +N stakeholder to this meeting only (once per form token)."""
    if existing := find_by_token(Stakeholder, token):
        return existing
    resident = find_person(who, meeting.body.unit) if who else None
    if resident and any(s.resident_id == resident.id for s in meeting.stakeholders):
        raise MeetingError(_("%(name)s已经在名单里了", name=resident.name), "who")
    person = Stakeholder(meeting=meeting, resident=resident, submit_token=token, org=org,
                         name=resident.name if resident else name)
    db.session.add(person)
    db.session.flush()
    record("stakeholder_added", person, actor=actor, unit_id=meeting.body.unit_id,
           meeting_id=meeting.id, resident_id=getattr(resident, "id", None))
    return commit_once(Stakeholder, person, token)


def remove_stakeholder(meeting: Meeting, person: Stakeholder, actor) -> None:
    """Take a stakeholder off this meeting's list."""
    record("stakeholder_removed", person, actor=actor, unit_id=meeting.body.unit_id,
           meeting_id=meeting.id, name=person.name)
    meeting.stakeholders.remove(person)
    db.session.commit()
