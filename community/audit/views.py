"""The audit log on a page: for staff, every recorded change in the units they hold a role
over, newest first. It shows who did what and when, never a secret ballot's choice (the
rows do not hold one)."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..access import STAFF_ROLES, require_staff, role_units
from ..web import no_store
from . import service
from .labels import action_label

bp = Blueprint("audit", __name__)


@bp.route("/")
@login_required
@no_store
def index():
    """The audit rows of my units and below, 30 a page."""
    require_staff()
    units = role_units(current_user, *STAFF_ROLES)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, more = service.rows_below(units, page)
    return render_template("audit/index.html", rows=rows, more=more, page=page, units=units,
                           label=action_label)
