""""请您评价" in my to-dos: open rounds I have not answered."""

from flask import url_for
from flask_babel import format_datetime

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
    items = [TodoItem(f"请评价：{e.project.title}",
                      url_for("evaluations.show", evaluation_id=e.id),
                      "截止 " + format_datetime(e.closes_at, "M月d日 HH:mm"))
             for e in rows if my_answer(e, resident) is None]
    return TodoSection("请您评价", "暂时没有需要您评价的项目。", items)
