"""民事民评 pages: open a round, answer it once (confirmed on a second screen), see results."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import has_role, require_role
from ..extensions import db
from ..formkit import EmptyForm, field_error
from ..i18n import gettext as _
from ..projects.models import Project
from ..projects.service import VIEWERS, lives_in
from ..web import current_channel, no_store, rerender_on_csrf_error
from . import service
from .forms import AnswerForm, OpenForm
from .models import CHOICE_LABELS, OUTCOME_LABELS

bp = Blueprint("evaluations", __name__)


@bp.route("/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def new():
    """The supervision committee opens a round of evaluation of a finished project."""
    project = db.get_or_404(Project, request.args.get("project_id", 0, type=int))
    require_role("supervisor", project.unit)
    form = OpenForm()
    if form.validate_on_submit():
        try:
            ev = service.open_evaluation(project, current_user, form.closes_at, form.fraction,
                                         form.by_household.data, form.submit_token.data)
            return redirect(url_for(".show", evaluation_id=ev.id), 303)
        except service.EvaluationError as e:
            field_error(form, e, "closes_on")
    return render_template("evaluations/new.html", project=project, form=form), \
        422 if form.errors else 200


@bp.route("/<int:evaluation_id>")
@login_required
@no_store
def show(evaluation_id):
    """The question and my answer; the results once closed (staff see them live)."""
    ev = service.get_evaluation_or_404(evaluation_id, current_user)
    tally = service.tally(ev)
    return render_template(
        "evaluations/show.html", ev=ev, form=AnswerForm(), close_form=EmptyForm(),
        mine=service.my_answer(ev, current_user), may_answer=lives_in(current_user,
                                                                      ev.project.unit),
        supervisor=has_role(current_user, "supervisor", ev.project.unit),
        staff=has_role(current_user, VIEWERS, ev.project.unit), tally=tally,
        outcome=service.outcome_of(ev, tally), outcomes=OUTCOME_LABELS,
        percent=service.percent, comments=service.comments(ev), labels=CHOICE_LABELS)


@bp.route("/<int:evaluation_id>/answer", methods=("POST",))
@rerender_on_csrf_error
@login_required
@no_store
def answer(evaluation_id):
    """Check the answer, show it again to confirm, then record it (once)."""
    ev = service.get_evaluation_or_404(evaluation_id, current_user)
    if not lives_in(current_user, ev.project.unit):
        abort(403)
    form = AnswerForm()
    if not form.validate_on_submit():
        return render_template("evaluations/answer.html", ev=ev, form=form), 422
    if not form.confirmed.data:
        return render_template("evaluations/confirm.html", ev=ev, form=form,
                               label=CHOICE_LABELS[form.choice.data])
    try:
        service.answer(ev, current_user, form.choice.data, form.comment.data or "",
                       channel=current_channel())
        flash(_("您的评价已记录，谢谢！"))
    except service.EvaluationError as e:
        flash(e.message, "error")
    return redirect(url_for(".show", evaluation_id=ev.id), 303)


@bp.route("/<int:evaluation_id>/close", methods=("GET", "POST"))
@login_required
def close(evaluation_id):
    """The supervision committee ends the round now and publishes the result; GET asks
    first, saying what will happen."""
    ev = service.get_evaluation_or_404(evaluation_id, current_user)
    require_role("supervisor", ev.project.unit)
    if request.method == "GET":
        if not ev.is_open:
            return redirect(url_for(".show", evaluation_id=ev.id), 303)
        return render_template(
            "confirm.html", heading=_("确认结束评价"), button=_("确认结束评价"),
            subject=_("“%(title)s”第 %(round)d 轮评价，已有 %(n)d 人评价。",
                      title=ev.project.title, round=ev.round, n=service.tally(ev).total),
            consequences=[_("结束后不能再评价，结果马上公开；"),
                          _("不满意达到整改线，项目转为“整改中”；"),
                          _("操作记入审计日志。")],
            action=url_for(".close", evaluation_id=ev.id),
            back=url_for(".show", evaluation_id=ev.id))
    if not EmptyForm().validate_on_submit():
        abort(400)
    service.close_evaluation(ev, current_user)
    flash(_("评价已结束，结果已公开。"))
    return redirect(url_for(".show", evaluation_id=ev.id), 303)
