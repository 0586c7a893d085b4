"""Home ("my to-dos"), the welcome page and the staff hub (my profile: me.py)."""

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import text

from ..access import require_staff, role_names, role_units
from ..extensions import db
from . import bp
from .todos import sections_for


@bp.route("/")
def index():
    """Show my to-dos, or the welcome page when logged out."""
    if not current_user.is_authenticated:
        return render_template("home/welcome.html")
    return render_template("home/index.html", sections=sections_for(current_user))


@bp.route("/staff")
@login_required
def staff():
    """List the tools a community worker can use."""
    require_staff()
    return render_template("home/staff.html",
                           units=role_units(current_user, "worker", "party_reviewer",
                                            "supervisor"),
                           roles=role_names(current_user))


@bp.route("/healthz")
def healthz():
    """Answer 200 when the app and its database answer (for load balancers)."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200, {"Cache-Control": "no-store"}
