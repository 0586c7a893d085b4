"""Minutes per agenda item, publishing them, and outcomes through the Party review."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..access import role_names
from ..formkit import field_error
from ..i18n import gettext as _
from ..web import rerender_on_csrf_error
from . import bp, review
from .access import STAFF, can_manage, can_review
from .attendance import summary
from .forms import MinutesForm, NextStepForm, ReviewForm
from .review import get_outcome_or_404
from .service import MeetingError, get_meeting_or_404


@bp.route("/<int:meeting_id>/minutes")
@login_required
def minutes(meeting_id):
    """The minutes: what was said per item, dissent, outcomes, who came."""
    meeting = get_meeting_or_404(meeting_id, current_user)
    manage = can_manage(current_user, meeting.body)
    if meeting.minutes_published_at is None and not manage:
        abort(404)
    return render_template("meetings/minutes.html", meeting=meeting, manage=manage,
                           summary=summary(meeting))


@bp.route("/<int:meeting_id>/items/<int:item_id>/minutes", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def item_minutes(meeting_id, item_id):
    """Record one item's discussion, dissent and outcome (sent for the Party's review)."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    entry = next((i for i in meeting.items if i.id == item_id), None) or abort(404)
    form = MinutesForm(data=_minutes_data(entry))
    if form.validate_on_submit():
        try:
            review.save_minutes(entry, current_user, form.summary.data, form.dissent.data,
                                form.outcome_kind.data, form.outcome_text.data,
                                form.options.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("纪要已保存。") + (_("成果已报党组织审核。") if entry.outcome else ""))
            return redirect(url_for("meetings.minutes", meeting_id=meeting.id), 303)
    return render_template("meetings/item_minutes.html", meeting=meeting, item=entry,
                           form=form), 422 if form.errors else 200


def _minutes_data(item) -> dict:
    o = item.outcome
    return {"summary": item.summary, "dissent": item.dissent,
            "outcome_kind": o.kind if o else "none", "outcome_text": o.text if o else "",
            "options": o.options if o else ""}


@bp.route("/<int:meeting_id>/minutes/publish", methods=("POST",))
@login_required
def publish_minutes(meeting_id):
    """Show the minutes to the residents of the unit."""
    meeting = get_meeting_or_404(meeting_id, current_user, manage=True)
    try:
        review.publish_minutes(meeting, current_user)
    except MeetingError as e:
        flash(str(e), "error")
    else:
        flash(_("纪要已公布。"))
    return redirect(url_for("meetings.minutes", meeting_id=meeting.id), 303)


@bp.route("/outcomes")
@login_required
def outcomes():
    """Outcomes waiting for the Party's review or for the next step."""
    if role_names(current_user).isdisjoint(STAFF):
        abort(403)
    pending = review.outcomes_for(current_user, ("pending",), ("party_reviewer",))
    approved = review.outcomes_for(current_user, ("approved", "returned", "ballot"), ("worker",))
    return render_template("meetings/outcomes.html", pending=pending, approved=approved)


@bp.route("/outcomes/<int:outcome_id>")
@login_required
def outcome(outcome_id):
    """One outcome: its item, the review history, and what may happen next."""
    return _outcome_page(get_outcome_or_404(outcome_id, current_user))


def _outcome_page(outcome, status=200, review_form=None, next_form=None):
    body = outcome.item.meeting.body
    return render_template(
        "meetings/outcome.html", outcome=outcome, item=outcome.item,
        meeting=outcome.item.meeting, review_form=review_form or ReviewForm(formdata=None),
        next_form=next_form or NextStepForm(formdata=None),
        reviewer=can_review(current_user, body), worker=can_manage(current_user, body),
        direct=review.direct_allowed(outcome)), status


@bp.route("/outcomes/<int:outcome_id>/review", methods=("POST",))
@rerender_on_csrf_error
@login_required
def review_outcome(outcome_id):
    """The Party organisation approves the outcome or returns it with a note."""
    outcome = get_outcome_or_404(outcome_id, current_user)
    if not can_review(current_user, outcome.item.meeting.body):
        abort(403)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review.review(outcome, current_user, form.decision.data, form.note.data)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("审核意见已提交。"))
            return redirect(url_for("meetings.outcome", outcome_id=outcome.id), 303)
    return _outcome_page(outcome, 422, review_form=form)


@bp.route("/outcomes/<int:outcome_id>/next", methods=("POST",))
@rerender_on_csrf_error
@login_required
def next_step(outcome_id):
    """After approval the worker chooses: online ballot, assembly, or direct (微事)."""
    outcome = get_outcome_or_404(outcome_id, current_user)
    if not can_manage(current_user, outcome.item.meeting.body):
        abort(403)
    form = NextStepForm()
    if form.validate_on_submit():
        try:
            review.choose_next(outcome, form.step.data, current_user)
        except MeetingError as e:
            field_error(form, e)
        else:
            flash(_("已确定下一步。"))
            return redirect(url_for("meetings.outcome", outcome_id=outcome.id), 303)
    return _outcome_page(outcome, 422, next_form=form)
