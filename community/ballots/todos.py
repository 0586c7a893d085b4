""""My to-dos": ballots waiting for my vote, and results of ballots I took part in."""

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from .. import clock
from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from . import queries
from .labels import OUTCOME_LABELS
from .models import Ballot, Participation


@provider(order=20)
def ballots_section(resident) -> TodoSection:
    """The "投票" section: 待投票 with the closing time, then recent results."""
    pending = db.session.scalars(db.select(Ballot).where(
        Ballot.id.in_(queries.pending_ids(resident))).order_by(Ballot.closes_at))
    fmt = _("M月d日 HH:mm")
    items = [TodoItem(_("待投票：%(title)s", title=b.title),
                      url_for("ballots.show", ballot_id=b.id),
                      _("%(time)s 截止", time=format_datetime(b.closes_at, fmt)))
             for b in pending]
    closed = db.session.scalars(
        db.select(Ballot).join(Participation, Participation.ballot_id == Ballot.id)
        .where(Participation.resident_id == resident.id, Ballot.status == "closed",
               Ballot.closed_at >= clock.now() - queries.RECENT)
        .order_by(Ballot.closed_at.desc()).distinct().limit(5))
    items += [TodoItem(_("表决结果：%(title)s——%(word)s", title=b.title,
                         word=OUTCOME_LABELS[b.outcome]),
                       url_for("ballots.results", ballot_id=b.id),
                       format_datetime(b.closed_at, fmt)) for b in closed]
    return TodoSection(_("投票"), _("现在没有要投的票。"), items)
