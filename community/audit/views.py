"""The audit log on a page: for staff, every recorded change in the units they hold a role
over, newest first. It shows who did what and when, never a secret ballot's choice (the
rows do not hold one)."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..access import STAFF_ROLES, require_staff, role_units
from ..extensions import db
from ..residents.models import Resident
from ..units.models import Unit
from ..web import no_store
from .labels import action_label
from .models import AuditLog

bp = Blueprint("audit", __name__)
PER_PAGE = 30


@bp.route("/")
@login_required
@no_store
def index():
    """The audit rows of my units and below, 30 a page."""
    require_staff()
    units = role_units(current_user, *STAFF_ROLES)
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.execute(_rows_below(units).offset((page - 1) * PER_PAGE)
                              .limit(PER_PAGE + 1)).all()
    return render_template("audit/index.html", rows=rows[:PER_PAGE], more=len(rows) > PER_PAGE,
                           page=page, units=units, label=action_label)


def _rows_below(units):
    below = db.select(Unit.id).where(db.or_(*[Unit.path.startswith(u.path) for u in units]))
    return (db.select(AuditLog, Resident.name, Unit.name)
            .outerjoin(Resident, Resident.id == AuditLog.actor_id)
            .join(Unit, Unit.id == AuditLog.unit_id)
            .where(AuditLog.unit_id.in_(below))
            .order_by(AuditLog.seq.desc()))
