"""Assisted votes: a volunteer at the door, the resident's own PIN or a second witness."""

from flask import abort, url_for
from sqlalchemy.orm import selectinload

from ..access import has_role, roles_of
from ..audit.service import record
from ..auth.service import AccountLocked, check_resident_pin
from ..extensions import db
from ..i18n import gettext as _
from ..notify.service import notify_many
from ..residents.models import Membership, Resident, RoleAssignment
from ..units.models import Household, Unit
from .models import Ballot, BallotOption, Caster, Participation
from .service import HELPERS, BallotError, cast_vote, get_ballot_or_404, serves


def buildings_of(resident: Resident) -> list[Unit]:
    return [m.household.building for m in resident.memberships]


def get_helper_ballot_or_404(ballot_id: int, helper: Resident) -> Ballot:
    """A ballot that takes door-to-door votes, for a helper serving its unit; else 404/403."""
    ballot = get_ballot_or_404(ballot_id)
    if "visit" not in ballot.channel_list or not serves(helper, ballot):
        abort(403)
    return ballot


def may_assist(helper: Resident, resident: Resident) -> bool:
    """A volunteer (or worker) may help residents of the buildings they serve."""
    return helper.id != resident.id and any(
        has_role(helper, HELPERS, b) for b in buildings_of(resident))


def get_assistable_or_404(helper: Resident, resident_id: int) -> Resident:
    """The resident a volunteer is helping, or 403 outside the buildings they serve."""
    resident = db.get_or_404(Resident, resident_id)
    if not may_assist(helper, resident):
        abort(403)
    return resident


def waiting_residents(ballot: Ballot, helper: Resident, limit: int = 200) -> list[Resident]:
    """Electors in the helper's buildings who have not voted yet (first by address)."""
    paths = [r.unit.path for r in roles_of(helper) if r.role in HELPERS]
    if not paths:
        return []
    voted = db.select(Participation.voter_key).where(Participation.ballot_id == ballot.id)
    stmt = (db.select(Resident).join(Caster, Caster.resident_id == Resident.id)
            .join(Membership, Membership.resident_id == Resident.id)
            .join(Household).join(Unit, Household.building_id == Unit.id)
            .where(Caster.ballot_id == ballot.id, Caster.voter_key.not_in(voted),
                   Resident.id != helper.id,
                   db.or_(*[Unit.path.startswith(p) for p in paths]))
            .order_by(Unit.path, Household.address, Resident.id).limit(limit)
            # The page shows each person's addresses: load them with the list, not per row.
            .options(selectinload(Resident.memberships).selectinload(Membership.household)
                     .selectinload(Household.building)))
    return list(dict.fromkeys(db.session.scalars(stmt)))  # one line per person


def witnesses_for(resident: Resident, helper: Resident) -> list[Resident]:
    """Volunteers and workers over the resident's buildings, other than the helper."""
    ids = {i for b in buildings_of(resident) for i in b.ancestor_ids()}
    stmt = (db.select(Resident).join(RoleAssignment)
            .where(RoleAssignment.role.in_(HELPERS), RoleAssignment.unit_id.in_(ids),
                   Resident.id.not_in([helper.id, resident.id]))
            .distinct().order_by(Resident.name))
    return list(db.session.scalars(stmt))


def assisted_vote(ballot: Ballot, helper: Resident, resident: Resident, option: BallotOption,
                  *, key: str, receipt: str, pin: str | None = None,
                  witness: Resident | None = None) -> str:
    """Cast a vote for the resident at their door, confirmed by their PIN or a witness."""
    if witness is not None:
        if witness not in witnesses_for(resident, helper):
            raise BallotError(_("见证人要是负责这栋楼的另一位志愿者或社区工作人员。"), "witness_id")
    else:
        try:
            ok = check_resident_pin(resident, pin or "")
        except AccountLocked:
            raise BallotError(_("密码错误次数太多，这个账户已暂时锁定。可以改为请见证人确认。"),
                              "pin") from None
        if not ok:
            raise BallotError(_("密码不对，请本人再输一次。"), "pin")
    return cast_vote(ballot, resident, option, "visit", key=key, receipt=receipt,
                     assisted_by=helper, witness=witness)


def report_problem(ballot: Ballot, resident: Resident, text: str) -> None:
    """The resident says something was wrong with a vote cast for them: tell the workers."""
    done = db.session.scalar(db.select(Participation).where(
        Participation.ballot_id == ballot.id, Participation.resident_id == resident.id,
        Participation.assisted_by_id.is_not(None)))
    if done is None:
        abort(403)
    workers = db.session.scalars(db.select(Resident).join(RoleAssignment).where(
        RoleAssignment.role == "worker",
        RoleAssignment.unit_id.in_(ballot.unit.ancestor_ids())).distinct())
    notify_many(workers, _("%(name)s 报告协助投票有问题：%(title)s", name=resident.name,
                           title=ballot.title), url_for("ballots.show", ballot_id=ballot.id))
    record("ballot_assist_reported", ballot, actor=resident, unit_id=ballot.unit_id,
           voter_key=done.voter_key, assisted_by_id=done.assisted_by_id, text=text[:300])
    db.session.commit()
