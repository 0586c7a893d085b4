"""Meeting check-in at the kiosk: resident code plus the meeting's 4-digit code, no PIN.

Like signing the paper sheet at the door: the kiosk stands in the hall where the code is
announced. The meetings area's own rules decide (attendance.check_in, find_person)."""

from flask import abort, flash, redirect, render_template, session, url_for

from .. import clock
from ..extensions import db, limiter
from ..formkit import field_error
from ..i18n import gettext as _
from ..meetings.attendance import CHECKIN_MARGIN, check_in
from ..meetings.bodies import find_person
from ..meetings.models import Body, Meeting
from ..meetings.service import MeetingError
from ..units.models import Unit
from ..web import no_store, rerender_on_csrf_error
from . import bp
from .forms import CheckinForm
from .models import KioskDevice


def open_meetings(device: KioskDevice) -> list:
    """Meetings in the kiosk's unit (or below) that can be checked in to right now."""
    now = clock.now()
    stmt = (db.select(Meeting).join(Meeting.body).join(Unit, Body.unit_id == Unit.id)
            .where(Unit.path.startswith(device.unit.path),
                   Meeting.starts_at <= now + CHECKIN_MARGIN,
                   Meeting.ends_at >= now - CHECKIN_MARGIN)
            .order_by(Meeting.starts_at))
    return list(db.session.scalars(stmt))


def _check_in(form, meeting) -> bool:
    """Check the resident in; on refusal put the reason beside the field it concerns."""
    try:
        resident = find_person(form.who.data, meeting.body.unit)
        row, new = check_in(meeting, resident, form.code.data)
    except MeetingError as e:
        field_error(form, e)  # "who" and "code" are the field names here too
        return False
    flash(_("%(name)s 签到成功，欢迎参加！", name=row.name) if new else
          _("%(name)s 已经签到过了。", name=row.name))
    return True


@bp.route("/checkin", methods=("GET", "POST"))
@rerender_on_csrf_error
@limiter.limit("30 per 10 minutes", methods=["POST"])
@no_store
def checkin():
    """Check in to a meeting here with the resident code and the meeting's code."""
    device = db.session.get(KioskDevice, session.get("kiosk_device") or 0)
    if device is None:
        abort(404)
    meetings = open_meetings(device)
    form = CheckinForm()
    form.meeting_id.choices = [(m.id, m.title) for m in meetings]
    if meetings and not form.is_submitted():
        form.meeting_id.data = meetings[0].id
    if form.validate_on_submit():
        meeting = next(m for m in meetings if m.id == form.meeting_id.data)
        if _check_in(form, meeting):
            return redirect(url_for("kiosk.index"), 303)
    return render_template("kiosk/checkin.html", form=form,
                           meetings=meetings), 422 if form.errors else 200
