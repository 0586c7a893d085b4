"""Read-only look-ups: settings up the tree, the ballots a resident sees, who voted."""

from datetime import timedelta

from .. import clock
from ..access import home_units, roles_of
from ..extensions import db
from ..i18n import gettext as _
from ..residents.models import Resident, RoleAssignment
from ..units.models import Unit
from . import labels
from .models import Ballot, BallotSetting, Caster, Participation

DEFAULT_NOTICE_DAYS = 7
RECENT = timedelta(days=30)


def notice_days_for(unit: Unit) -> int:
    """The 公示期 in days for owners' votes in this unit: its own setting or its nearest
    ancestor's, else 7 days."""
    ids = unit.ancestor_ids()
    rows = dict(db.session.execute(db.select(BallotSetting.unit_id, BallotSetting.notice_days)
                                   .where(BallotSetting.unit_id.in_(ids))).all())
    found = [rows[i] for i in reversed(ids) if i in rows]
    return found[0] if found else DEFAULT_NOTICE_DAYS


def already_message(done: Participation, resident, to_voter: bool = True) -> str:
    """"您已投过票" or "本户已由 X 投票", naming the channel; to a worker or volunteer
    entering someone else's vote (to_voter=False), "X 已经投过票"."""
    how = labels.CHANNEL_LABELS[done.channel]
    if done.resident_id == getattr(resident, "id", None):
        if not to_voter:
            return _("%(name)s 已经投过票（%(how)s），不能再登记。", name=resident.name, how=how)
        return _("您已投过票（%(how)s），不能再投。", how=how)
    name = done.resident.name if done.resident else _("现场表决")
    return _("本户已由 %(name)s 投票（%(how)s），不能再投。", name=name, how=how)


def ballots_for(resident) -> list[Ballot]:
    """Ballots of the units the resident lives in or serves: open, announced, recently closed."""
    held = roles_of(resident)
    ids = [u.id for u in home_units(resident)] + [i for r in held for i in r.unit.ancestor_ids()]
    where = [Ballot.unit_id.in_(ids)] + [Unit.path.startswith(r.unit.path) for r in held]
    now = clock.now()  # open, announced, closed: the state read from the times (state_at)
    first = db.case((Ballot.status == "closed", 2), (Ballot.closes_at <= now, 2),
                    (Ballot.opens_at <= now, 0), else_=1)
    stmt = (db.select(Ballot).join(Unit, Ballot.unit_id == Unit.id)
            .where(db.or_(*where), db.or_(Ballot.status != "closed",
                                          Ballot.closed_at >= now - RECENT))
            .order_by(first, Ballot.closes_at))
    return list(db.session.scalars(stmt))


def pending(resident):
    """A select of the ids of open ballots where a vote this resident may cast has not been
    cast yet."""
    voted = db.select(Participation.id).where(Participation.ballot_id == Caster.ballot_id,
                                              Participation.voter_key == Caster.voter_key)
    return (db.select(Caster.ballot_id).join(Ballot, Ballot.id == Caster.ballot_id)
            .where(Caster.resident_id == resident.id, Ballot.status == "open",
                   Ballot.closes_at > clock.now(), ~voted.exists()))


def pending_ids(resident) -> set[int]:
    """The ids of pending(resident)."""
    return set(db.session.scalars(pending(resident)))




def staff_of(unit: Unit, exclude=()) -> list[Resident]:
    """Volunteers and workers over or within this unit (possible witnesses), by name."""
    stmt = (db.select(Resident).join(RoleAssignment).join(Unit, RoleAssignment.unit_id == Unit.id)
            .where(RoleAssignment.role.in_(("volunteer", "worker")),
                   Unit.id.in_(unit.ancestor_ids()) | Unit.path.startswith(unit.path),
                   Resident.id.not_in([r.id for r in exclude]))
            .distinct().order_by(Resident.name))
    return list(db.session.scalars(stmt))
