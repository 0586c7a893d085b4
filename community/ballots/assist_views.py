"""Volunteers door to door: help a resident vote, confirmed by their PIN or a witness."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..extensions import db
from ..formkit import field_error
from ..i18n import gettext as _
from ..residents.models import Resident
from ..web import no_store, rerender_on_csrf_error
from . import assist, bp, electorate, labels, queries, service
from .errors import AlreadyVoted, BallotError, NotEligible
from .forms import AssistForm, make_ticket, read_ticket


@bp.route("/<int:ballot_id>/assist")
@login_required
@no_store
def assist_list(ballot_id):
    """The residents of my buildings who may still vote on this ballot."""
    ballot = assist.get_helper_ballot_or_404(ballot_id, current_user)
    return render_template("ballots/assist_list.html", ballot=ballot,
                           residents=assist.waiting_residents(ballot, current_user))


def _key_for(ballot, resident, form) -> tuple[str, str]:
    ticket = read_ticket(form.ticket.data, ballot.id)
    if ticket:
        return ticket
    votes = electorate.my_votes(ballot, resident)
    waiting = [v for v in votes if v.done is None]
    if not votes:
        raise NotEligible(_("%(name)s 不在这次表决的投票人名单中。", name=resident.name))
    if not waiting:
        raise AlreadyVoted(queries.already_message(votes[0].done, resident, to_voter=False))
    return waiting[0].key, service.new_receipt()


def _cast(ballot, resident, form, key, receipt) -> str:
    witness = db.session.get(Resident, form.witness_id.data) if form.witness_id.data else None
    if witness is None and not form.pin.data:
        raise BallotError(_("请居民本人输入密码，或者选一位见证人。"), "pin")
    return assist.assisted_vote(ballot, current_user, resident, form.chosen, key=key,
                                receipt=receipt, pin=form.pin.data, witness=witness)


def _assist_form(ballot, resident) -> AssistForm:
    form = AssistForm()
    form.setup_options(ballot)
    form.witness_id.choices = [SelectChoice(0, _("不用见证人（本人输密码）"))] + [
        SelectChoice(r.id, r.name) for r in assist.witnesses_for(resident, current_user)]
    return form


@bp.route("/<int:ballot_id>/assist/<int:resident_id>", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def assist_vote(ballot_id, resident_id):
    """Take the resident's choice, let them confirm it (PIN or witness), then cast it."""
    ballot = assist.get_helper_ballot_or_404(ballot_id, current_user)
    resident = assist.get_assistable_or_404(current_user, resident_id)
    form = _assist_form(ballot, resident)
    valid = form.validate_on_submit()
    if not form.is_submitted() or form.option.errors:
        return render_template("ballots/assist_vote.html", ballot=ballot, resident=resident,
                               form=form), 422 if form.errors else 200
    try:
        key, receipt = _key_for(ballot, resident, form)
        form.ticket.data = make_ticket(ballot.id, key, receipt)
        if valid and "confirmed" in request.form:
            receipt = _cast(ballot, resident, form, key, receipt)
            flash(_("已为 %(name)s 记录投票，回执码 %(code)s，请交给本人。", name=resident.name,
                    code=labels.format_receipt(receipt)))
            return redirect(url_for("ballots.assist_list", ballot_id=ballot.id), 303)
    except BallotError as e:
        field_error(form, e, "option")
    return render_template("ballots/assist_confirm.html", ballot=ballot, resident=resident,
                           form=form), 422 if form.errors else 200
