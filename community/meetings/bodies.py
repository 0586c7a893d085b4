"""Bodies (议事协商委员会 / 议事协商会) and their standing members by seat."""

from sqlalchemy import or_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..access import belongs_to, role_units
from ..audit.service import record
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident
from ..units.models import Unit
from .common import commit_once, find_by_token
from .models import Body, BodyMember
from .service import MeetingError

BODY_UNIT_KINDS = ("community", "compound")


def manageable_units(user) -> list[Unit]:
    """社区/村 and 小区/村民小组 where the user is a worker, for a new body."""
    conds = [Unit.path.startswith(u.path) for u in role_units(user, "worker")]
    if not conds:
        return []
    return list(db.session.scalars(db.select(Unit).where(or_(*conds))
                                   .where(Unit.kind.in_(BODY_UNIT_KINDS)).order_by(Unit.path)))


def bodies_for(user) -> list[Body]:
    """The bodies of every unit the user works for, with their members."""
    conds = [Unit.path.startswith(u.path) for u in role_units(user, "worker")]
    if not conds:
        return []
    return list(db.session.scalars(
        db.select(Body).join(Body.unit).where(or_(*conds)).order_by(Unit.path, Body.id)
        .options(selectinload(Body.members), selectinload(Body.unit))))


def missing_seats(body: Body) -> list[str]:
    """Seats the body's composition asks for that nobody holds (a warning, never a block)."""
    held = {m.seat for m in body.members}
    return [s for s in body.required_seats if s not in held]


def create_body(unit: Unit, name: str, kind: str, quorum: str | None, actor,
                token: str | None) -> Body:
    """Set up a body for the unit (once per form token)."""
    if existing := find_by_token(Body, token):
        return existing
    if db.session.scalar(db.select(Body.id).where(Body.unit_id == unit.id, Body.name == name)):
        raise MeetingError(_("这个单位已经有同名的议事机构了"), "name")
    body = Body(unit=unit, name=name, kind=kind, quorum=quorum or None, submit_token=token)
    db.session.add(body)
    db.session.flush()
    record("body_created", body, actor=actor, unit_id=unit.id, name=name, kind=kind,
           quorum=quorum)
    return commit_once(Body, body, token)


def scope_of(unit: Unit) -> Unit:
    """The community (or village) a unit is in: members are looked up there."""
    while unit.kind not in ("community", "street") and unit.parent is not None:
        unit = unit.parent
    return unit


def find_person(who: str, unit: Unit) -> Resident:
    """The resident with this phone or resident code, who lives in or serves the community."""
    resident = db.session.scalar(db.select(Resident).where(
        or_(Resident.phone == who, Resident.code == who)))
    if resident is None or not belongs_to(resident, scope_of(unit)):
        raise MeetingError(_("本社区（村）没有这个手机号或居民码；外来人员请只填姓名"), "who")
    return resident


def add_member(body: Body, seat: str, who: str, name: str, org: str, actor,
               token: str | None) -> BodyMember:
    """Seat a member: a resident found by phone or code, or an outside person by name."""
    if existing := find_by_token(BodyMember, token):
        return existing
    resident = find_person(who, body.unit) if who else None
    if resident and any(m.resident_id == resident.id for m in body.members):
        raise MeetingError(_("%(name)s已经是成员了", name=resident.name), "who")
    member = BodyMember(body=body, resident=resident, name=resident.name if resident else name,
                        org=org, seat=seat, submit_token=token)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError as e:
        db.session.rollback()
        if existing := find_by_token(BodyMember, token):
            return existing
        raise MeetingError(_("此人已经是成员了"), "who") from e
    record("body_member_added", member, actor=actor, unit_id=body.unit_id, body_id=body.id,
           seat=seat, resident_id=getattr(resident, "id", None))
    return commit_once(BodyMember, member, token)


def remove_member(body: Body, member: BodyMember, actor) -> None:
    """Take a member off the body (past attendance stays as it was)."""
    record("body_member_removed", member, actor=actor, unit_id=body.unit_id, body_id=body.id,
           seat=member.seat, name=member.name)
    body.members.remove(member)
    db.session.commit()
