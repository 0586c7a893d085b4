""""请您评价" in my to-dos: open rounds I have not answered."""

from flask import url_for
from flask_babel import format_datetime

from ..access import home_unit_ids
from ..clock import now
from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from ..projects.models import Project
from ..residents.models import Membership
from .models import Answer, Evaluation


@provider(order=30)
def evaluations_section(resident) -> TodoSection:
    """"请您评价": open rounds for projects in the places I live that I have not answered
    (nor my household, where the round asks households), in one query."""
    ids = home_unit_ids(resident)
    mine = db.select(Membership.household_id).where(Membership.resident_id == resident.id)
    answered = db.select(Answer.id).where(
        Answer.evaluation_id == Evaluation.id,
        (Answer.resident_id == resident.id)
        | (Evaluation.by_household & Answer.household_id.in_(mine.scalar_subquery())))
    rows = db.session.execute(
        db.select(Evaluation.id, Evaluation.closes_at, Project.title)
        .join(Project, Evaluation.project_id == Project.id)
        .where(Project.unit_id.in_(ids), Evaluation.closed_at.is_(None),
               Evaluation.closes_at > now(), ~answered.exists())
        .order_by(Evaluation.closes_at)).all() if ids else []
    fmt = _("M月d日 HH:mm")
    items = [TodoItem(_("请评价：%(title)s", title=title),
                      url_for("evaluations.show", evaluation_id=eid),
                      _("截止 %(time)s", time=format_datetime(closes_at, fmt)))
             for eid, closes_at, title in rows]
    return TodoSection(_("请您评价"), _("暂时没有需要您评价的项目。"), items)
