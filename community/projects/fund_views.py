"""Fund pages: the books of 惠民资金 and the charity fund, balances, and movements."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import has_role, require_role
from ..clock import now
from ..extensions import db
from ..formkit import field_error
from ..i18n import gettext as _
from ..units.models import Unit
from ..web import rerender_on_csrf_error
from . import bp, funds
from .forms import FundForm, MovementForm, PolicyForm, choices
from .models import Project
from .service import places_for


def _community_units(user, roles) -> list[Unit]:
    ids = [uid for uid, _ in places_for(user, roles)]
    return list(db.session.scalars(db.select(Unit).where(
        Unit.id.in_(ids), Unit.kind == "community").order_by(Unit.path)))


@bp.route("/funds")
@login_required
def funds_index():
    """The fund books of the communities I serve, with their balances."""
    units = _community_units(current_user, funds.READERS) or abort(403)
    books = [(u, [(f, funds.balance(f.id)) for f in funds.funds_of(u)],
              funds.huimin_yearly(u), has_role(current_user, "worker", u)) for u in units]
    return render_template("projects/funds.html", books=books)


@bp.route("/funds/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def fund_new():
    """Open a year's book of a fund for a community or village."""
    units = _community_units(current_user, ("worker",)) or abort(403)
    form = FundForm()
    form.unit_id.choices = choices((u.id, u.name) for u in units)
    if request.method == "GET":
        form.year.data = now().year
    if form.validate_on_submit():
        unit = db.get_or_404(Unit, form.unit_id.data)
        fund = funds.open_fund(unit, form.kind.data, form.year.data, current_user)
        return redirect(url_for(".fund_show", fund_id=fund.id), 303)
    return render_template("projects/fund_new.html", form=form), \
        422 if form.errors else 200


@bp.route("/funds/policy/<int:unit_id>", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def policy(unit_id):
    """Set the community's yearly 惠民资金 (default 200,000, a village 100,000)."""
    unit = db.get_or_404(Unit, unit_id)
    require_role("worker", unit)
    form = PolicyForm()
    if form.validate_on_submit():
        funds.set_huimin_yearly(unit, form.amount.decimal, current_user)
        flash(_("已保存。"))
        return redirect(url_for(".funds_index"), 303)
    if request.method == "GET":
        form.amount.data = str(funds.huimin_yearly(unit))
    return render_template("projects/policy.html", form=form, unit=unit), \
        422 if form.errors else 200


@bp.route("/funds/<int:fund_id>")
@login_required
def fund_show(fund_id):
    """One fund book: balance and every movement, page by page."""
    fund = funds.get_fund_or_404(fund_id, current_user)
    return render_template("projects/fund_show.html", fund=fund, sums=funds.balance(fund.id),
                           page=funds.movements(fund, request.args.get("page", 1, type=int) or 1),
                           worker=has_role(current_user, "worker", fund.unit))


@bp.route("/funds/<int:fund_id>/movements/new", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def movement_new(fund_id):
    """Record income, an allocation to a project, or spending with its voucher number."""
    fund = funds.get_fund_or_404(fund_id, current_user, ("worker",))
    form = MovementForm()
    form.project_id.choices = choices([(0, _("不属于项目"))] + [
        (p.id, p.title) for p in db.session.scalars(db.select(Project).join(Project.unit).where(
            Unit.path.startswith(fund.unit.path)).order_by(Project.id.desc()).limit(100))])
    if form.validate_on_submit():
        project = db.session.get(Project, form.project_id.data) if form.project_id.data else None
        try:
            funds.record_movement(
                fund, form.kind.data, form.amount.decimal, current_user, project=project,
                occurred_on=form.occurred_on.data, voucher=(form.voucher.data or "").strip(),
                note=(form.note.data or "").strip(), submit_token=form.submit_token.data)
            return redirect(url_for(".fund_show", fund_id=fund.id), 303)
        except funds.FundError as e:
            field_error(form, e)
    return render_template("projects/movement_new.html", fund=fund, form=form,
                           sums=funds.balance(fund.id)), 422 if form.errors else 200
