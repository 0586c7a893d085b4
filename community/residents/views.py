"""Staff pages for residents: find one, reset their PIN and print a new slip; a worker's page
for one person: roles, a move, a change of owner, a death."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import has_role, require_staff, role_units, worker_area
from ..formkit import EmptyForm, field_error, unit_choices
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error
from . import people, service
from .forms import ResetPinForm, SearchForm
from .models import ROLE_LABELS
from .people_forms import DeathForm, MoveForm, OwnerForm, RoleForm
from .service import get_managed_resident_or_404

bp = Blueprint("residents", __name__)


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
        return render_template("residents/slips.html", slips=[slip], title=_("新密码凭条"))
    return render_template("residents/reset_pin.html", resident=resident, form=form,
                           address=service.address_of(resident)), 422 if form.errors else 200


def _to_person(resident):
    return redirect(url_for("residents.person", resident_id=resident.id), 303)


def _render(template, resident, form, **ctx):
    return render_template(template, resident=resident, form=form, **ctx), \
        422 if form.errors else 200


@bp.route("/<int:resident_id>")
@login_required
@no_store
def person(resident_id):
    """One person: where they live, the roles they hold, and what a worker may change."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    return render_template("residents/show.html", resident=resident, labels=ROLE_LABELS,
                           removable=people.APPOINTABLE)


@bp.route("/<int:resident_id>/roles", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def appoint(resident_id):
    """Appoint the person 居民代表, 楼栋长 or 志愿者 in a unit of the worker's area."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    units = worker_area(current_user)
    form = RoleForm()
    form.unit_id.choices = unit_choices(units)
    if form.validate_on_submit():
        unit = next(u for u in units if u.id == form.unit_id.data)
        try:
            people.appoint(resident, form.role.data, unit, current_user)
        except people.PeopleError as e:
            field_error(form, e, "role")
        else:
            flash(_("已任命 %(name)s 为%(unit)s的%(role)s。", name=resident.name,
                    unit=unit.name, role=ROLE_LABELS[form.role.data]))
            return _to_person(resident)
    return _render("residents/appoint.html", resident, form)


@bp.route("/<int:resident_id>/roles/<int:role_id>/remove", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def remove_role(resident_id, role_id):
    """Say what removing the role does; the POST from that page removes it."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    assignment = people.get_role_or_none(resident, role_id, current_user)
    form = EmptyForm()
    if assignment is None:
        if request.method == "POST" and not people.role_exists(role_id):
            return _to_person(resident)  # removed already: a resent form lands where it did
        abort(404)
    if form.validate_on_submit():
        label = assignment.label
        people.remove_role(assignment, current_user)
        flash(_("已取消 %(name)s 的%(role)s身份。", name=resident.name, role=label))
        return _to_person(resident)
    return _render("residents/remove_role.html", resident, form, assignment=assignment)


@bp.route("/<int:resident_id>/move", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def move(resident_id):
    """Record that the person moved to another household of the area, or away."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    form = MoveForm()
    form.household_id.choices = [(m.household_id, m.household.label)
                                 for m in resident.memberships]
    buildings = _buildings(form)
    if form.validate_on_submit():
        try:
            people.move(resident, form.household_id.data, _destination(form, buildings),
                        current_user)
        except people.PeopleError as e:
            field_error(form, e, "address")
        else:
            flash(_("已登记 %(name)s 搬迁。", name=resident.name))
            return _after_change(resident)
    return _render("residents/move.html", resident, form)


def _buildings(form):
    """Offer the buildings of the worker's area in form.building_id; return them by id."""
    units = worker_area(current_user)
    buildings = {u.id: u for u in units if u.kind == "building"}
    form.building_id.choices = [c for c in unit_choices(units) if c.value in buildings]
    return buildings


def _destination(form, buildings):
    """The household moved into, None when moving away; PeopleError when not found."""
    if form.where.data == "away":
        return None
    building = buildings.get(form.building_id.data)
    if building is None:
        raise people.PeopleError(_("请选择您负责范围内的楼栋"), "building_id")
    if not form.address.data:
        raise people.PeopleError(_("请填写新住址门牌"), "address")
    household = people.find_household(building, form.address.data, current_user)
    if household is None:
        raise people.PeopleError(_("%(building)s没有“%(address)s”这一户，请核对门牌",
                                   building=building.name, address=form.address.data),
                                 "address")
    return household


def _after_change(resident):
    """Back to the person while the worker still serves them; else to the search page."""
    if any(has_role(current_user, "worker", m.household.building)
           for m in resident.memberships):
        return _to_person(resident)
    return redirect(url_for("residents.index"), 303)


@bp.route("/<int:resident_id>/owner", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def owner(resident_id):
    """Record the person as the (new) owner of a home, with its floor area."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    form = OwnerForm()
    buildings = _buildings(form)
    if form.validate_on_submit():
        try:
            household = people.find_household(buildings[form.building_id.data],
                                               form.address.data, current_user)
            if household is None:
                raise people.PeopleError(_("这栋楼没有“%(address)s”这一户，请核对门牌",
                                           address=form.address.data), "address")
            people.change_owner(household, resident, form.area_m2.decimal, current_user,
                                keep_others=form.keep_others.data)
        except people.PeopleError as e:
            field_error(form, e, "address")
        else:
            flash(_("已登记 %(name)s 为 %(home)s 的业主。", name=resident.name,
                    home=household.label))
            return _to_person(resident)
    return _render("residents/owner.html", resident, form)


@bp.route("/<int:resident_id>/death", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def death(resident_id):
    """Record a death: the date, then a second screen saying what follows, then the POST."""
    resident = get_managed_resident_or_404(resident_id, current_user)
    form = DeathForm()
    if resident.died_on is None and form.validate_on_submit():
        if "confirmed" not in request.form:
            return render_template("residents/death_confirm.html", resident=resident,
                                   form=form)
        try:
            people.record_death(resident, form.died_on.data, current_user)
        except people.PeopleError as e:
            field_error(form, e, "died_on")
        else:
            flash(_("已登记 %(name)s 去世。", name=resident.name))
            return _to_person(resident)
    elif resident.died_on is not None and request.method == "POST":
        return _to_person(resident)  # recorded already: a resent form changes nothing
    return _render("residents/death.html", resident, form)
