"""Issue pages: list, post (also for a resident), read, support, comment, hide, withdraw."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import drafts
from ..access import belongs_to, role_units
from ..extensions import db, limiter
from ..i18n import gettext as _
from ..residents.models import Resident
from ..residents.service import search_residents
from ..units.models import Unit
from ..web import (
    current_channel,
    no_store,
    per_account,
    post_limit,
    render_page_or_fragment,
    rerender_on_csrf_error,
    wants_fragment,
)
from . import bp, queries, service
from .forms import CommentForm, FilterForm, FindResidentForm, ReasonForm, WithdrawForm, choices
from .models import Comment
from .pages import issue_form, list_args, refill, show_context, support_context

# Typed into a form whose login ran out: kept, and the form filled again after the login.
drafts.keeps("issues.new", ("title", "body", "unit_id", "urgent", "channel", "submit_token"),
             lambda view_args, args: url_for("issues.new", **({"for": args["for"]}
                                                            if args.get("for", type=int) else {})))
drafts.keeps("issues.comments", ("body", "submit_token"),
             lambda view_args, args: url_for("issues.show", issue_id=view_args["issue_id"],
                                             _anchor="issue-comments"))


def me() -> Resident:
    """The logged-in resident itself (not the proxy), for relationships."""
    return current_user._get_current_object()


@bp.route("/issues")
@login_required
def index():
    """List the issues I may read, filtered, newest or most supported first."""
    form = FilterForm(request.args)
    units = queries.visible_units(current_user)
    form.unit.choices = choices([("", _("全部")), *((u.id, u.name) for u in units)])
    unit = next((u for u in units if u.id == form.unit.data), None)
    result = queries.list_issues(
        current_user, q=(form.q.data or "")[:40], unit=unit, status=form.status.data,
        category=form.category.data, mine=form.mine.data, sort=form.sort.data,
        page=max(request.args.get("page", 1, type=int), 1))
    can_assist = bool(role_units(current_user, "volunteer", "worker"))
    return render_template("issues/index.html", form=form, result=result, args=list_args(),
                           can_assist=can_assist)


@bp.route("/issues/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@limiter.limit(post_limit, key_func=per_account, methods=["POST"])
@no_store
def new():
    """Post an issue for myself, or with ?for=ID for a resident I serve (代提)."""
    author = _author(request.args.get("for", type=int))
    form = issue_form(author, assisted=author.id != current_user.id)
    note = None
    if request.method == "GET" and (draft := drafts.take()):
        note = drafts.note(refill(form, draft))
    if form.unit_id.choices and form.validate_on_submit():
        assisted = author.id != current_user.id
        issue = service.post_issue(
            author=author, unit=db.session.get(Unit, form.unit_id.data), title=form.title.data,
            body=form.body.data, urgent=form.urgent.data, submitted_by=me() if assisted else None,
            channel=form.channel.data if assisted else current_channel(),
            token=form.submit_token.data or None)
        flash(_("议题已提交，工作人员会尽快分流处理。")
              if issue.submit_token == (form.submit_token.data or None)
              else _("这个议题您刚才已经提交过了，没有重复提交。"))
        return redirect(url_for("issues.show", issue_id=issue.id), 303)
    status = 422 if request.method == "POST" else 200
    return render_template("issues/new.html", form=form, author=author, note=note), status


def _author(resident_id: int | None) -> Resident:
    """Who the issue is for: me, or a resident I may post for (403 otherwise)."""
    if resident_id is None or resident_id == current_user.id:
        return me()
    resident = db.get_or_404(Resident, resident_id)
    if not service.can_assist(current_user, resident):
        abort(403)
    return resident


@bp.route("/issues/new/for")
@login_required
@no_store
def find_resident():
    """Find the resident to post for, in the buildings I serve as volunteer or worker."""
    units = role_units(current_user, "volunteer", "worker")
    if not units:
        abort(403)
    form = FindResidentForm(request.args)
    results = None
    if request.args and form.validate():
        results = search_residents(units, form.q.data)
    status = 422 if form.errors else 200
    return render_template("issues/find_resident.html", form=form, results=results), status


@bp.route("/issues/<int:issue_id>")
@login_required
def show(issue_id):
    """Show the issue: its text, timeline, supports and a page of comments."""
    issue = service.get_issue_or_404(issue_id, current_user)
    form, note = None, None
    if draft := drafts.take():  # a comment typed before the login ran out
        form = CommentForm(formdata=None)
        note = drafts.note(refill(form, draft))
    ctx = show_context(issue, request.args.get("page", type=int), form)
    return render_template("issues/show.html", **ctx, note=note)


@bp.route("/issues/<int:issue_id>/support", methods=("POST",))
@login_required
def support(issue_id):
    """附议 once; a targeted htmx request gets the updated count back."""
    issue = service.get_issue_or_404(issue_id, current_user)
    if not belongs_to(current_user, issue.unit):
        abort(403)
    message = ""
    try:
        service.support_issue(issue, current_user)
    except service.IssueError as e:
        message = str(e)
    if not wants_fragment():
        if message:
            flash(message, "error")
        return redirect(url_for("issues.show", issue_id=issue.id, _anchor="issue-support"), 303)
    ctx = support_context(issue, message)
    return render_page_or_fragment("issues/show.html", "issues/_support.html", **ctx)


@bp.route("/issues/<int:issue_id>/comments", methods=("POST",))
@rerender_on_csrf_error
@login_required
@limiter.limit(post_limit, key_func=per_account)
def comments(issue_id):
    """Add my comment; htmx gets the comments section back, a plain form a 303."""
    issue = service.get_issue_or_404(issue_id, current_user)
    if not service.can_take_part(current_user, issue):
        abort(403)
    form = CommentForm()
    if form.validate_on_submit():
        service.add_comment(issue, me(), form.body.data, form.submit_token.data or None)
        if not wants_fragment():
            return redirect(url_for("issues.show", issue_id=issue.id, _anchor="issue-comments"),
                            303)
        form = CommentForm(formdata=None)
    status = 422 if form.errors else 200
    return render_page_or_fragment("issues/show.html", "issues/_comments.html", status=status,
                                   **show_context(issue, None, form))


@bp.route("/issues/<int:issue_id>/comments/<int:comment_id>/hide", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def hide_comment(issue_id, comment_id):
    """A worker hides a comment, giving a reason that stays visible."""
    issue = service.get_issue_or_404(issue_id, current_user)
    if not service.can_triage(current_user, issue):
        abort(403)
    comment = db.get_or_404(Comment, comment_id)
    if comment.issue_id != issue.id:
        abort(404)
    form = ReasonForm()
    if form.validate_on_submit():
        service.hide_comment(comment, current_user, form.reason.data)
        flash(_("留言已隐藏。"))
        return redirect(url_for("issues.show", issue_id=issue.id, _anchor="issue-comments"), 303)
    return render_template("issues/hide_comment.html", issue=issue, comment=comment,
                           form=form), 422 if form.errors else 200


@bp.route("/issues/<int:issue_id>/withdraw", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def withdraw(issue_id):
    """The author confirms on a second page, then takes the issue back."""
    issue = service.get_issue_or_404(issue_id, current_user)
    if issue.author_id != current_user.id:
        abort(403)
    form = WithdrawForm()
    if form.validate_on_submit():
        try:
            service.withdraw_issue(issue, current_user, form.reason.data)
        except service.IssueError as e:
            flash(str(e), "error")
        return redirect(url_for("issues.show", issue_id=issue.id), 303)
    return render_template("issues/withdraw.html", issue=issue, form=form), \
        422 if form.errors else 200
