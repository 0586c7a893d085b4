"""What the meeting pages need besides the meeting: forms with their choices, page context."""

from flask import render_template
from flask_login import current_user

from .. import clock
from ..i18n import gettext as _
from ..issues.service import can_read as can_read_issue
from . import service
from .access import can_manage, has_started
from .attendance import checkin_open
from .common import when
from .forms import ItemForm, MeetingForm, NewMeetingForm, choices, with_token
from .models import Body, Meeting
from .service import Plan


def render_form(template: str, form, **ctx):
    """Render a meeting form, 422 with its errors; a date or time typed wrongly is kept as
    typed, in a text box (a date box may only hold a valid date)."""
    for field in (form.date, form.starts, form.ends):
        if field.errors:
            field.render_kw = {**(field.render_kw or {}), "type": "text"}
    return render_template(template, form=form, **ctx), 422 if form.errors else 200


def issue_choices(body: Body, first=None) -> list:
    """Issues that may go on this body's agenda, as form choices."""
    pairs = [(i.id, f"#{i.id} {i.title}") for i in service.linkable_issues(body)]
    return choices(([first] if first else []) + pairs)


def new_meeting_form(body: Body) -> NewMeetingForm:
    form = NewMeetingForm()
    form.issues.choices = issue_choices(body)
    return with_token(form)


def item_form(meeting: Meeting, formdata=True) -> ItemForm:
    form = ItemForm() if formdata else ItemForm(formdata=None)
    form.issue_id.choices = issue_choices(meeting.body, (0, _("不关联议题")))
    return with_token(form)


def edit_form(meeting: Meeting) -> MeetingForm:
    """The meeting's details in local time, for the edit form."""
    start, end = clock.local(meeting.starts_at), clock.local(meeting.ends_at)
    return MeetingForm(data={"title": meeting.title, "kind": meeting.kind, "date": start.date(),
                             "starts": start.time(), "ends": end.time(),
                             "place": meeting.place, "mode": meeting.mode})


def plan_from(form: MeetingForm, body: Body) -> Plan:
    """What the form says, with local times turned into UTC."""
    day = form.date.data
    plan = Plan(title=form.title.data, kind=form.kind.data, place=form.place.data,
                mode=form.mode.data, starts_at=clock.to_utc(day, form.starts.data),
                ends_at=clock.to_utc(day, form.ends.data))
    if isinstance(form, NewMeetingForm):
        plan.agenda = [x.strip()[:60] for x in (form.agenda.data or "").splitlines() if x.strip()]
        chosen = set(form.issues.data or [])
        plan.issues = [i for i in service.linkable_issues(body) if i.id in chosen]
        plan.repeat, plan.count = form.repeat.data, form.count.data or 1
    return plan


def show_context(meeting: Meeting, form: ItemForm | None = None) -> dict:
    """The agenda page: what everyone sees, plus the tools for the unit's workers."""
    manage = can_manage(current_user, meeting.body)
    started = has_started(meeting)
    checked_in = any(a.resident_id == current_user.id for a in meeting.attendance)
    ctx = {"meeting": meeting, "when": when(meeting), "manage": manage, "started": started,
           "readable": {i.issue_id for i in meeting.items
                        if i.issue is not None and can_read_issue(current_user, i.issue)},
           # 到会签到 while check-in is open, and until the resident has checked in.
           "checkin": checkin_open(meeting) and not checked_in,
           "checked_in": checked_in,
           "minutes": meeting.minutes_published_at is not None or manage}
    if manage and not started:
        ctx["item_form"] = form or item_form(meeting, formdata=False)
    return ctx
