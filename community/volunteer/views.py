"""Door-to-door mode: my buildings, a building's walking list, a household, assignments."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import role_units, worker_units_or_403
from ..extensions import db, limiter
from ..formkit import EmptyForm, field_error, new_token
from ..i18n import gettext as _
from ..residents.models import Resident
from ..units.models import Unit
from ..web import no_store, rerender_on_csrf_error
from . import assign as assigning
from . import links, relogin, service
from .forms import AssignForm, VisitForm

bp = Blueprint("volunteer", __name__)


@bp.route("")
@login_required
@no_store
def index():
    """The buildings assigned to me, with how many households are visited."""
    buildings = service.served_buildings(current_user)
    is_worker = bool(role_units(current_user, "worker"))
    if not buildings and not is_worker and not role_units(current_user, "volunteer"):
        abort(403)
    return render_template("volunteer/index.html", buildings=buildings,
                           tallies=service.tallies(buildings), is_worker=is_worker,
                           label=assigning.label)


@bp.route("/buildings/<int:building_id>")
@login_required
@no_store
def building(building_id):
    """A building's households with their visit state: the list to walk (and print)."""
    unit = service.get_served_building_or_404(building_id, current_user)
    return render_template("volunteer/building.html", building=unit,
                           title=assigning.label(unit), doors=service.doors(unit))


@bp.route("/households/<int:household_id>", methods=("GET", "POST"))
@rerender_on_csrf_error
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               exempt_when=lambda: "pin" not in request.form)
@no_store
def household(household_id):
    """A household: its residents, the visit log, and the form to log a visit."""
    if request.method == "GET" and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if (login_page := relogin.resume_or_login()) is not None:
        return login_page  # the session ended; what was typed rides along
    home = service.get_served_household_or_404(household_id, current_user)
    form = VisitForm()
    if form.validate_on_submit():
        service.log_visit(home, current_user, form.state.data, form.note.data,
                          form.submit_token.data)
        flash(_("已记下这次走访。"))
        return redirect(url_for("volunteer.building", building_id=home.building_id), 303)
    if not form.submit_token.data:
        form.submit_token.data = new_token()
    return render_template("volunteer/household.html", home=home, form=form,
                           visits=service.visits_of(home), links=links.helper_links,
                           title=assigning.label(home.building)), 422 if form.errors else 200


@bp.route("/assign", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def assign():
    """Workers give buildings of their units to volunteers, and see who has which."""
    units = worker_units_or_403(current_user)
    form = AssignForm()
    form.volunteer_id.choices = [(r.id, f"{r.name}（{r.code[-4:]}）")
                                 for r in assigning.volunteers_under(units)]
    form.building_id.choices = [(b.id, assigning.label(b))
                                for b in assigning.buildings_under(units)]
    if form.validate_on_submit() and _assign(form):
        return redirect(url_for("volunteer.assign"), 303)
    return render_template("volunteer/assign.html", form=form, delete=EmptyForm(),
                           rows=assigning.assignments_under(units),
                           label=assigning.label), 422 if form.errors else 200


def _assign(form) -> bool:
    """Make the assignment; on refusal put the reason beside the building field."""
    volunteer = db.get_or_404(Resident, form.volunteer_id.data)
    building = db.get_or_404(Unit, form.building_id.data)
    try:
        assigning.assign(volunteer, building, current_user)
    except (assigning.AlreadyAssigned, assigning.OutsideTheirArea) as e:
        field_error(form, e)
        return False
    flash(_("已把 %(b)s 分给 %(v)s。", b=assigning.label(building), v=volunteer.name))
    return True


@bp.route("/assignments/<int:assignment_id>/delete", methods=("POST",))
@login_required
def unassign(assignment_id):
    """Take a building back from a volunteer."""
    if EmptyForm().validate_on_submit():
        name, place = assigning.unassign(assignment_id, current_user)
        flash(_("已取消 %(v)s 负责的 %(b)s。", v=name, b=place))
    return redirect(url_for("volunteer.assign"), 303)
