""""身边的项目" in my to-dos: projects in the places I live."""

from flask import url_for
from flask_babel import format_date

from ..access import home_unit_ids
from ..extensions import db
from ..home.todos import TodoItem, TodoSection, provider
from ..i18n import gettext as _
from .models import Project
from .service import FOLLOWED


@provider(order=40)
def followed_section(resident) -> TodoSection:
    """"身边的项目": projects in the places I live, newest change first."""
    ids = home_unit_ids(resident)
    rows = db.session.scalars(db.select(Project).where(
        Project.unit_id.in_(ids), Project.status.in_(FOLLOWED))
        .order_by(Project.updated_at.desc()).limit(5)) if ids else []
    fmt = _("M月d日")
    items = [TodoItem(f"{p.title} · {p.status_label}",
                      url_for("projects.show", project_id=p.id),
                      _("更新于%(day)s", day=format_date(p.updated_at, fmt))) for p in rows]
    return TodoSection(_("身边的项目"), _("附近暂时没有在办的项目。"), items)
