"""Workers: open a ballot, close it, enter paper ballots and a show of hands."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..access import worker_area
from ..auth.service import find_resident
from ..extensions import db
from ..formkit import EmptyForm, field_error, new_token, unit_choices
from ..i18n import gettext as _
from ..residents.models import Resident
from ..web import no_store, rerender_on_csrf_error
from . import bp, link, queries, service
from . import paper as paper_service
from . import results as counting
from .errors import BallotError
from .forms import BallotForm, PaperForm, assembly_form, make_ticket, read_ticket


def _draft(form: BallotForm, units, outcome=None) -> service.Draft:
    unit = next(u for u in units if u.id == form.unit_id.data)
    rule = form.rule.data
    return service.Draft(
        unit=unit, title=form.title.data, basis=form.basis.data, rule=rule,
        options=form.option_lines, opens_at=form.opens_at.data, closes_at=form.closes_at.data,
        secret=form.secret.data, channels=form.channels.data,
        entrance=(form.entrance.data or "").strip() or None,
        notice_acknowledged=form.acknowledge.data, submit_token=form.submit_token.data,
        issue_id=link.issue_id_of(outcome))


@bp.route("/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def new():
    """Announce a ballot: the question, who votes, the rule, the options and the times."""
    units = worker_area(current_user) or abort(403)
    form = BallotForm()
    form.unit_id.choices = unit_choices(units)
    outcome = link.outcome_for_ballot(outcome_id, current_user) if (
        outcome_id := request.args.get("outcome", type=int)) else None
    if outcome is not None and request.method == "GET":
        link.prefill(form, outcome)
    if not form.submit_token.data:
        form.submit_token.data = new_token()
    if form.validate_on_submit():
        try:
            ballot = service.create_ballot(_draft(form, units, outcome), current_user)
        except BallotError as e:
            field_error(form, e, "title")
        else:
            flash(_("投票已发起。"))
            return redirect(url_for("ballots.show", ballot_id=ballot.id), 303)
    status = 422 if form.errors else 200
    return render_template("ballots/new.html", form=form, outcome=outcome), status


@bp.route("/<int:ballot_id>/close", methods=("GET", "POST"))
@login_required
def close(ballot_id):
    """End the vote now and publish the result; GET asks first, saying what will happen."""
    ballot = service.get_staff_ballot_or_404(ballot_id, current_user)
    if request.method == "GET":
        if ballot.state != "open":
            return redirect(url_for("ballots.show", ballot_id=ballot.id), 303)
        heads, *_rest = counting.turnout(ballot)
        return render_template(
            "confirm.html", heading=_("确认结束投票"), button=_("确认结束投票"),
            subject=_("“%(title)s”原定 %(when)s 结束，已有 %(heads)d 人（户）投票。",
                      title=ballot.title, heads=heads,
                      when=format_datetime(ballot.closes_at, _("M月d日 HH:mm"))),
            consequences=[_("结束后不能再投票，也不能重新打开；"),
                          _("马上按已投的票计票，公布结果；"),
                          _("操作记入审计日志。")],
            action=url_for("ballots.close", ballot_id=ballot.id),
            back=url_for("ballots.show", ballot_id=ballot.id))
    if EmptyForm().validate_on_submit():
        service.close_ballot(ballot, current_user)
    if ballot.status == "closed":
        flash(_("投票已结束，结果已公布。"))
    else:
        flash(_("投票还没有开始，不能结束。"), "error")
    return redirect(url_for("ballots.results", ballot_id=ballot.id), 303)


def _witnesses(ballot) -> list[tuple[int, str]]:
    return [SelectChoice(0, _("请选择"))] + [
        SelectChoice(r.id, r.name) for r in queries.staff_of(ballot.unit, exclude=[current_user])]


def _enter_paper(ballot, form: PaperForm) -> str:
    voter = find_resident(form.voter.data)
    if voter is None:
        raise BallotError(_("找不到这位居民，请核对居民码或手机号。"), "voter")
    ticket = read_ticket(form.ticket.data, ballot.id)
    receipt = (service.sealed_receipt(ticket[1]) if ticket and ticket[0] == "paper"
               else service.new_receipt())
    return paper_service.enter_paper(ballot, current_user, voter, form.chosen,
                                     db.session.get(Resident, form.witness_id.data), receipt)


@bp.route("/<int:ballot_id>/paper", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def paper(ballot_id):
    """Enter paper ballots one by one: the voter, what the paper says, and a witness."""
    ballot = service.get_staff_ballot_or_404(ballot_id, current_user)
    form = PaperForm()
    form.setup_options(ballot)
    form.witness_id.choices = _witnesses(ballot)
    if form.validate_on_submit():
        try:
            _enter_paper(ballot, form)
        except BallotError as e:
            field_error(form, e, "voter")
        else:
            # Never the receipt code beside the voter: on a secret ballot the code finds the
            # choice in the published list. The paper itself is the voter's record.
            flash(_("已登记 %(voter)s 的纸质票。请核对下一张。", voter=form.voter.data))
            return redirect(url_for("ballots.paper", ballot_id=ballot.id), 303)
    form.ticket.data = make_ticket(ballot.id, "paper", service.new_receipt())  # a nonce
    return render_template("ballots/paper.html", ballot=ballot, form=form), \
        422 if form.errors else 200


@bp.route("/<int:ballot_id>/assembly", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def assembly(ballot_id):
    """Enter a show of hands: who was present, and how many hands went up for each option."""
    ballot = service.get_staff_ballot_or_404(ballot_id, current_user)
    form = assembly_form(ballot)
    form.witness_id.choices = _witnesses(ballot)
    if form.validate_on_submit():
        lines = [x.strip() for x in form.present.data.splitlines() if x.strip()]
        counts = {o: form[f"count_{o.id}"].data for o in ballot.options}
        try:
            paper_service.enter_assembly(ballot, current_user, lines, counts,
                                         db.session.get(Resident, form.witness_id.data))
        except BallotError as e:
            field_error(form, e, "present")
        else:
            flash(_("现场表决已登记。"))
            return redirect(url_for("ballots.results", ballot_id=ballot.id), 303)
    return render_template("ballots/assembly.html", ballot=ballot, form=form), \
        422 if form.errors else 200
