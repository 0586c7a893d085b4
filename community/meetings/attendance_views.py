"""Attendance: workers mark who came, residents check in by code, +N stakeholders."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..extensions import limiter
from ..formkit import EmptyForm, field_error
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error
from . import attendance, bp
from .forms import CheckinForm, PersonForm, WhoForm, with_token
from .service import MeetingError, get_meeting_or_404


def _checkin_key():
    return f"checkin:{current_user.get_id()}"


def _to(endpoint, meeting):
    return redirect(url_for(endpoint, meeting_id=meeting.id), 303)


def _page(meeting, status=200, form=None, who=None):
    """The worker's attendance page: the code, the tick list, counts and the quorum."""
    return render_template(
        "meetings/attendance.html", meeting=meeting, people=attendance.invitees(meeting),
        came={a.person for a in meeting.attendance}, summary=attendance.summary(meeting),
        form=form or EmptyForm(), who=who or WhoForm(formdata=None)), status


@bp.route("/<int:meeting_id>/attendance", methods=("GET", "POST"))
@login_required
@no_store
def mark_attendance(meeting_id):
    """Tick who of the members and stakeholders came."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            attendance.mark(meeting, set(request.form.getlist("present")), current_user)
        except MeetingError as e:
            flash(str(e), "error")
        else:
            flash(_("到会情况已保存。"))
        return _to("meetings.mark_attendance", meeting)
    return _page(meeting)


@bp.route("/<int:meeting_id>/attendance/add", methods=("POST",))
@rerender_on_csrf_error
@login_required
def add_attendance(meeting_id):
    """Record a resident who came, found by phone or resident code."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    who = WhoForm()
    if who.validate_on_submit():
        try:
            row, new = attendance.add_attendee(meeting, who.who.data, current_user)
        except MeetingError as e:
            field_error(who, e)
        else:
            flash(_("已记%(name)s到会。", name=row.name) if new else
                  _("%(name)s已经签到过了。", name=row.name))
            return _to("meetings.mark_attendance", meeting)
    return _page(meeting, 422, who=who)


@bp.route("/<int:meeting_id>/checkin", methods=("GET", "POST"))
@rerender_on_csrf_error
@limiter.limit("30 per 10 minutes", key_func=_checkin_key, methods=["POST"])
@login_required
@no_store
def checkin(meeting_id):
    """A resident checks in on their own phone with the 4-digit code announced in the room."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    form = CheckinForm()
    if form.validate_on_submit():
        try:
            row, new = attendance.check_in(meeting, current_user, form.code.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("签到成功，欢迎参加！") if new else _("您已经签到过了。"))
            return _to("meetings.show", meeting)
    return render_template("meetings/checkin.html", meeting=meeting, form=form,
                           open=attendance.checkin_open(meeting)), 422 if form.errors else 200


@bp.route("/<int:meeting_id>/stakeholders", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def stakeholders(meeting_id):
    """Invite the +N stakeholders of this meeting's matters."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    form = with_token(PersonForm())
    del form.seat
    if form.validate_on_submit():
        try:
            attendance.add_stakeholder(meeting, form.who.data, form.name.data, form.org.data,
                                       current_user, form.submit_token.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("已加入利益相关方名单。"))
            return _to("meetings.stakeholders", meeting)
    return render_template("meetings/stakeholders.html", meeting=meeting, form=form), \
        422 if form.errors else 200


@bp.route("/<int:meeting_id>/stakeholders/<int:person_id>/remove", methods=("POST",))
@login_required
def remove_stakeholder(meeting_id, person_id):
    """Take a stakeholder off this meeting's list."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    person = next((s for s in meeting.stakeholders if s.id == person_id), None)
    if person is None:
        abort(404)
    attendance.remove_stakeholder(meeting, person, current_user)
    return _to("meetings.stakeholders", meeting)
