"""Body pages for workers: the list with seat warnings, a new body, members by seat."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..formkit import field_error
from ..i18n import gettext as _
from ..web import rerender_on_csrf_error
from . import bodies, bp, service
from .forms import BodyForm, PersonForm, choices, with_token
from .service import MeetingError, get_body_or_404


def _to_body(body):
    return redirect(url_for("meetings.show_body", body_id=body.id), 303)


@bp.route("/bodies")
@login_required
def body_list():
    """The bodies of my units, warning where a seat of the composition is empty."""
    if not bodies.manageable_units(current_user):
        abort(403)
    found = bodies.bodies_for(current_user)
    return render_template("meetings/bodies.html", bodies=found,
                           missing={b.id: bodies.missing_seats(b) for b in found})


@bp.route("/bodies/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def new_body():
    """Set up a 议事协商委员会 or 议事协商会 for a community or compound."""
    units = bodies.manageable_units(current_user)
    if not units:
        abort(403)
    form = with_token(BodyForm())
    form.unit_id.choices = choices((u.id, f"{u.name}（{u.kind_label}）") for u in units)
    if form.validate_on_submit():
        unit = next(u for u in units if u.id == form.unit_id.data)
        try:
            body = bodies.create_body(unit, form.name.data, form.kind.data, form.quorum.data,
                                      current_user, form.submit_token.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("已建立，请添加成员。"))
            return _to_body(body)
    return render_template("meetings/body_new.html", form=form), 422 if form.errors else 200


@bp.route("/bodies/<int:body_id>", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def show_body(body_id):
    """A body's members by seat, with a form to seat one more."""
    body = get_body_or_404(body_id, current_user)
    form = with_token(PersonForm())
    form.seat.choices = choices((s, body.seat_label(s)) for s in body.required_seats)
    if form.validate_on_submit():
        try:
            bodies.add_member(body, form.seat.data, form.who.data, form.name.data,
                              form.org.data, current_user, form.submit_token.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("已添加成员。"))
            return _to_body(body)
    upcoming = [m for m in service.meetings_for(current_user, True) if m.body_id == body.id]
    return render_template("meetings/body.html", body=body, form=form, upcoming=upcoming,
                           missing=bodies.missing_seats(body)), 422 if form.errors else 200


@bp.route("/bodies/<int:body_id>/members/<int:member_id>/remove", methods=("POST",))
@login_required
def remove_member(body_id, member_id):
    """Take a member off the body."""
    body = get_body_or_404(body_id, current_user)
    member = next((m for m in body.members if m.id == member_id), None)
    if member is None:
        abort(404)
    bodies.remove_member(body, member, current_user)
    flash(_("已移出%(name)s。", name=member.name))
    return _to_body(body)
