""""请您评价" in my to-dos: open rounds I have not answered."""

from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _

from ..access import home_units
from ..clock import now
from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from ..projects.models import Project
from .models import Evaluation
from .service import my_answer


@provider(order=30)
def evaluations_section(resident) -> TodoSection:
    """"请您评价": open rounds for projects in the places I live that I have not answered."""
    ids = [u.id for u in home_units(resident)]
    rows = db.session.scalars(db.select(Evaluation).join(Evaluation.project).where(
        Project.unit_id.in_(ids), Evaluation.closed_at.is_(None),
        Evaluation.closes_at > now()).order_by(Evaluation.closes_at)) if ids else []
    fmt = _("M月d日 HH:mm")
    items = [TodoItem(_("请评价：%(title)s", title=e.project.title),
                      url_for("evaluations.show", evaluation_id=e.id),
                      _("截止 %(time)s", time=format_datetime(e.closes_at, fmt)))
             for e in rows if my_answer(e, resident) is None]
    return TodoSection(_("请您评价"), _("暂时没有需要您评价的项目。"), items)
