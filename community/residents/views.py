"""Staff pages: find a resident, reset their PIN and print a new slip."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..access import require_staff, role_units
from ..web import no_store, rerender_on_csrf_error
from . import service
from .forms import ResetPinForm, SearchForm
from .people_views import bp as people_bp

bp = Blueprint("residents", __name__)
bp.register_blueprint(people_bp)


@bp.route("/")
@login_required
@no_store
def index():
    """Find residents in the units this worker serves."""
    require_staff()
    form = SearchForm(request.args)
    results = None
    if request.args and form.validate():
        results = service.search_residents(role_units(current_user, "worker"), form.q.data)
    status = 422 if request.args and form.errors else 200
    return render_template("residents/index.html", form=form, results=results), status


@bp.route("/<int:resident_id>/reset-pin", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def reset_pin(resident_id):
    """Confirm, then give the resident a new PIN and show the slip to print."""
    resident = service.get_managed_resident_or_404(resident_id, current_user)
    form = ResetPinForm()
    if form.validate_on_submit():
        slip = service.reset_pin(resident, current_user)
        return render_template("residents/slips.html", slips=[slip], title="新密码凭条")
    return render_template("residents/reset_pin.html", resident=resident, form=form,
                           address=service.address_of(resident)), 422 if form.errors else 200
