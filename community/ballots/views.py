"""Voting: the list of ballots, a ballot, vote with a confirmation step, and the results."""

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..access import belongs_to, has_role
from ..database import reads_first
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error
from . import assist, bp, electorate, labels, qr, queries, service
from . import results as counting
from .errors import AlreadyVoted, BallotError, NotEligible
from .forms import ReportForm, VoteForm, make_ticket, read_ticket


@bp.route("")
@login_required
def index():
    """List the ballots of my community: open, announced and recently closed."""
    return render_template("ballots/index.html", ballots=queries.ballots_for(current_user),
                           pending=queries.pending_ids(current_user), labels=labels)


def _show(ballot, form, message=None, status=200):
    return render_template("ballots/show.html", ballot=ballot, form=form, message=message,
                           votes=electorate.my_votes(ballot, current_user),
                           report=ReportForm(), labels=labels,
                           staff=has_role(current_user, "worker", ballot.unit),
                           helper=service.serves(current_user, ballot)), status


@bp.route("/<int:ballot_id>")
@login_required
@no_store
def show(ballot_id):
    """Show the question, who may vote, and my voting form or how my vote was cast."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user)
    form = VoteForm()
    form.setup_options(ballot)
    return _show(ballot, form)


def _status_of(error: BallotError) -> int:
    return 403 if isinstance(error, NotEligible) else 409


def _pick(ballot, form) -> tuple[str, str]:
    """The voter and receipt of this confirmation: from its signed ticket, or chosen now."""
    ticket = read_ticket(form.ticket.data, ballot.id)
    if ticket:
        return ticket
    votes = electorate.my_votes(ballot, current_user)
    if not votes:
        raise NotEligible(_("您不在这次表决的投票人名单中。"))
    waiting = [v for v in votes if v.done is None]
    if not waiting:
        raise AlreadyVoted(queries.already_message(votes[0].done, current_user))
    return waiting[0].key, service.new_receipt()


@bp.route("/<int:ballot_id>/vote", methods=("POST",))
@reads_first
@rerender_on_csrf_error
@login_required
@no_store
def vote(ballot_id):
    """Check the chosen option and show the confirmation (reading only: no write lock);
    once confirmed, cast the vote (the service opens the write transaction)."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user)
    form = VoteForm()
    form.setup_options(ballot)
    if not form.validate_on_submit():
        return _show(ballot, form, status=422)
    try:
        service.lock_open(ballot, _channel())  # cast_vote reads it again as it writes
        key, receipt = _pick(ballot, form)
        if "confirmed" not in request.form:
            return render_template("ballots/vote_confirm.html", ballot=ballot, form=form,
                                   ticket=make_ticket(ballot.id, key, receipt))
        receipt = service.cast_vote(ballot, current_user, form.chosen, _channel(), key=key,
                                    receipt=receipt)
    except BallotError as e:
        return _show(ballot, form, e.message, _status_of(e))
    session["receipt"] = [ballot_id, receipt]  # the id as routed: no reload after the commit
    return redirect(url_for("ballots.voted", ballot_id=ballot_id), 303)


def _channel() -> str:
    return "kiosk" if session.get("kiosk_device") else "web"


@bp.app_template_filter("receipt")
def receipt_filter(code: str) -> str:
    return labels.format_receipt(code)


@bp.route("/<int:ballot_id>/voted")
@login_required
@no_store
def voted(ballot_id):
    """Say the vote was recorded and show its receipt code."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user)
    # At a shared kiosk the code is shown once, for 15 s: the next person sees nothing of it.
    kept = (session.pop("receipt", None) if session.get("kiosk_device")
            else session.get("receipt")) or [None, None]
    receipt = kept[1] if kept[0] == ballot.id else None
    if receipt is None and not any(v.done for v in electorate.my_votes(ballot, current_user)):
        return redirect(url_for("ballots.show", ballot_id=ballot.id), 303)
    return render_template("ballots/voted.html", ballot=ballot, receipt=receipt)


@bp.route("/<int:ballot_id>/results")
def results(ballot_id):
    """Turnout (always), counts (live unless secret), and the verdict with its arithmetic."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user, public_when_closed=True)
    return render_template("ballots/results.html", r=counting.present(ballot), labels=labels,
                           member=belongs_to(current_user, ballot.unit))


@bp.route("/<int:ballot_id>/notice")
def notice(ballot_id):
    """The printable A4 results notice, with a QR code that opens the results page."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user, public_when_closed=True)
    if ballot.state != "closed":
        return redirect(url_for("ballots.results", ballot_id=ballot.id), 303)
    url = url_for("ballots.results", ballot_id=ballot.id, _external=True)
    return render_template("ballots/notice.html", r=counting.present(ballot), labels=labels,
                           qr=qr.svg(url), url=url)


@bp.route("/<int:ballot_id>/receipts")
def receipts(ballot_id):
    """After closing: every receipt code with its choice, so voters can check theirs."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user, public_when_closed=True)
    if ballot.state != "closed":
        abort(404)
    page = request.args.get("page", 1, type=int) or 1
    code = (request.args.get("code") or "").strip()[:20]
    rows, more = counting.receipts(ballot, max(page, 1))
    return render_template("ballots/receipts.html", ballot=ballot, rows=rows, more=more,
                           page=page, code=code, labels=labels,
                           found=counting.find_receipt(ballot, code) if code else None)


@bp.route("/<int:ballot_id>/report", methods=("POST",))
@login_required
def report(ballot_id):
    """Tell the workers that something was wrong with a vote a volunteer helped me cast."""
    ballot = service.get_member_ballot_or_404(ballot_id, current_user)
    form = ReportForm()
    if form.validate_on_submit():
        assist.report_problem(ballot, current_user, form.text.data or "")
        flash(_("已告诉社区工作人员，他们会和您联系。"))
    return redirect(url_for("ballots.show", ballot_id=ballot.id), 303)
