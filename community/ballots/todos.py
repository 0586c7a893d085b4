""""My to-dos": ballots waiting for my vote, and results of ballots I took part in."""

from flask import url_for
from flask_babel import format_datetime

from .. import clock
from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from . import queries
from .labels import OUTCOME_LABELS
from .models import Ballot, Participation


@provider(order=20)
def ballots_section(resident) -> TodoSection:
    """The "投票" section: 待投票 with the closing time, then recent results, in one query."""
    waiting = (db.select(Ballot.id, Ballot.title, Ballot.closes_at.label("at"),
                         db.null().label("outcome"), db.literal(False).label("done"))
               .where(Ballot.id.in_(queries.pending(resident))))
    mine = db.select(Participation.ballot_id).where(Participation.resident_id == resident.id)
    results = (db.select(Ballot.id, Ballot.title, Ballot.closed_at.label("at"), Ballot.outcome,
                         db.literal(True).label("done"))
               .where(Ballot.id.in_(mine), Ballot.status == "closed",
                      Ballot.closed_at >= clock.now() - queries.RECENT)
               .order_by(Ballot.closed_at.desc()).limit(5).subquery())
    rows = db.session.execute(db.union_all(waiting, db.select(results))).all()
    fmt = _("M月d日 HH:mm")
    items = [TodoItem(_("待投票：%(title)s", title=r.title),
                      url_for("ballots.show", ballot_id=r.id),
                      _("%(time)s 截止", time=format_datetime(r.at, fmt)))
             for r in sorted((r for r in rows if not r.done), key=lambda r: r.at)]
    items += [TodoItem(_("表决结果：%(title)s——%(word)s", title=r.title,
                         word=OUTCOME_LABELS[r.outcome]),
                       url_for("ballots.results", ballot_id=r.id),
                       format_datetime(r.at, fmt))
              for r in sorted((r for r in rows if r.done), key=lambda r: r.at,
                              reverse=True)]
    return TodoSection(_("投票"), _("现在没有要投的票。"), items)
