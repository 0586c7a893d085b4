"""Meetings: the list, the agenda page, scheduling and editing, the calendar file, the notice."""

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..formkit import field_error
from ..i18n import gettext as _
from ..web import rerender_on_csrf_error
from . import bodies, bp, pages, service
from .access import has_started
from .common import meeting_url, when
from .ics import calendar
from .notice import qr_svg
from .service import MeetingError, get_body_or_404, get_item_or_404, get_meeting_or_404


@bp.app_template_global("meetings_of_issue")
def _meetings_of_issue(issue):
    """For the issue page (meetings/_issue_meetings.html): the meetings that discuss it."""
    return service.meetings_of_issue(issue)


def _to_show(meeting):
    return redirect(url_for("meetings.show", meeting_id=meeting.id), 303)


def _refuse_started(meeting):
    """Once a meeting has started only its minutes change: say so on the agenda page."""
    flash(_("会议已经开始或开过了，不能再修改时间、地点和议程；纪要可以照常记录。"), "error")
    return _to_show(meeting)


@bp.route("")
@login_required
def index():
    """Upcoming meetings of my units, and past ones a page at a time."""
    page = max(request.args.get("page", 1, type=int), 1)
    past = service.meetings_for(current_user, False, page)
    return render_template(
        "meetings/index.html", page=page, past=past[:service.PAGE],
        more=len(past) > service.PAGE, manage=bool(bodies.manageable_units(current_user)),
        upcoming=service.meetings_for(current_user, True, limit=50)[:50] if page == 1 else [])


@bp.route("/<int:meeting_id>")
@login_required
def show(meeting_id):
    """The agenda page: date, place and items in plain words."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    return render_template("meetings/show.html", **pages.show_context(meeting))


@bp.route("/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def new():
    """Schedule a meeting of a body (or a weekly or monthly series); residents are told."""
    body_id = request.args.get("body", type=int)
    if body_id is None:
        return _choose_body()
    body = get_body_or_404(body_id, current_user)
    form = pages.new_meeting_form(body)
    if form.validate_on_submit():
        try:
            meeting = service.schedule(body, pages.plan_from(form, body), current_user,
                                       form.submit_token.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("会议已录入，请登记到会情况和会议纪要。") if has_started(meeting)
                  else _("会议已安排，已通知居民。"))
            return _to_show(meeting)
    return pages.render_form("meetings/new.html", form, body=body)


def _choose_body():
    """Without ?body=, the worker first picks which body meets."""
    units = bodies.manageable_units(current_user)
    if not units:
        abort(403)
    return render_template("meetings/choose_body.html", bodies=bodies.bodies_for(current_user))


@bp.route("/<int:meeting_id>/edit", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def edit(meeting_id):
    """Change the time, place or kind of a meeting that has not started."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    if has_started(meeting):
        return _refuse_started(meeting)
    form = pages.edit_form(meeting)
    if form.validate_on_submit():
        try:
            service.update(meeting, pages.plan_from(form, meeting.body), current_user)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("会议已修改。"))
            return _to_show(meeting)
    return pages.render_form("meetings/edit.html", form, meeting=meeting)


@bp.route("/<int:meeting_id>/items", methods=("POST",))
@rerender_on_csrf_error
@login_required
def add_item(meeting_id):
    """Add an item to the agenda, maybe an issue (which moves to 协商中)."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    if has_started(meeting):
        return _refuse_started(meeting)
    form = pages.item_form(meeting)
    if form.validate_on_submit():
        issue = next((i for i in service.linkable_issues(meeting.body)
                      if i.id == form.issue_id.data), None)
        try:
            service.add_item(meeting, form.title.data, form.note.data, issue, current_user,
                             form.submit_token.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("已加入议程。"))
            return _to_show(meeting)
    return render_template("meetings/show.html", **pages.show_context(meeting, form)), 422


@bp.route("/<int:meeting_id>/items/<int:item_id>/<any(up,remove):action>", methods=("POST",))
@login_required
def change_item(meeting_id, item_id, action):
    """Move an agenda item up, or take it off the agenda."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    item = get_item_or_404(meeting, item_id)
    try:
        (service.move_up if action == "up" else service.remove_item)(meeting, item, current_user)
    except MeetingError as e:
        flash(str(e), "error")
    return _to_show(meeting)


@bp.route("/<int:meeting_id>.ics")
@login_required
def ics(meeting_id):
    """The meeting as a calendar file to add to a phone's calendar."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    text = calendar(meeting, meeting_url(meeting, external=True), request.host)
    return Response(text, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.id}.ics"'})


@bp.route("/<int:meeting_id>/notice")
@login_required
def notice(meeting_id):
    """A printable A4 notice for the bulletin board, with a QR code to the agenda page."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    url = meeting_url(meeting, external=True)
    return render_template("meetings/notice.html", meeting=meeting, url=url, when=when(meeting),
                           qr=qr_svg(url, _("扫码查看议程")))

