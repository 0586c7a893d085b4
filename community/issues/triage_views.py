"""The triage desk: the board, the decision on one issue, the printable dispatch list.

One blueprint, registered at the root, owns all three URLs (DESIGN: `GET /triage`,
`POST /issues/<id>/triage`, `GET /triage/dispatch`): the decision is made from the board and
returns to it, by the same workers, with the triage forms and service."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import clock
from ..access import require_role, worker_units_or_403
from ..extensions import db
from ..formkit import field_error
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error
from . import bp, service, triage
from .forms import MergeForm, ReasonForm, TriageForm
from .models import Issue
from .states import TRIAGEABLE
from .views import me


@bp.route("/triage")
@login_required
@no_store
def triage_board():
    """Untriaged issues first, urgent on top, with their age; then the latest decisions."""
    worker_units_or_403(current_user)
    waiting, done = triage.triage_board(current_user)
    return render_template("issues/triage_board.html", waiting=waiting, done=done,
                           now=clock.now())


@bp.route("/triage/dispatch")
@login_required
@no_store
def dispatch():
    """The printable 三事分送清单 of a period: one A4 page per responsible body."""
    worker_units_or_403(current_user)
    start, end, error = triage.parse_period(request.args)
    sheets = [] if error else triage.dispatch_sheets(current_user, start, end)
    return render_template("issues/dispatch.html", sheets=sheets, start=start, end=end,
                           error=error), 422 if error else 200


def decision_forms() -> dict:
    """The three ways to decide, each its own form on the decision page."""
    return {"triage": TriageForm(), "reject": ReasonForm(prefix="reject"),
            "merge": MergeForm(prefix="merge")}


@bp.route("/issues/<int:issue_id>/triage", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def triage_issue(issue_id):
    """Decide an issue: 大事/小事/微事 and who leads, or reject it, or merge it into another."""
    issue = service.get_issue_or_404(issue_id, current_user)
    require_role("worker", issue.unit)
    forms = decision_forms()
    action = request.form.get("action", "triage")
    form = forms.get(action) or abort(400)
    if request.method == "POST" and form.validate():
        try:
            _apply(action, issue, form)
        except service.IssueError as e:
            db.session.rollback()
            field_error(form, e)
        else:
            flash(_("第%(id)d号议题：%(status)s。", id=issue.id, status=issue.status_label))
            return redirect(url_for("issues.triage_board"), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("issues/decide.html", issue=issue, forms=forms, action=action,
                           open=issue.status in TRIAGEABLE), status


def _apply(action: str, issue: Issue, form) -> None:
    """Hand the validated decision to the triage service."""
    if action == "reject":
        return triage.reject_issue(issue, me(), form.reason.data)
    if action == "merge":
        target = db.session.get(Issue, form.into.data)
        if target is None or not service.can_triage(current_user, target):
            raise service.IssueError(_("找不到第%(id)d号议题，或它不在您负责的范围。",
                                       id=form.into.data), "into")
        return triage.merge_issue(issue, target, me(), form.reason.data)
    return triage.triage_issue(issue, me(), form.category.data, form.responsible.data,
                               form.due_on.data, form.reason.data)
