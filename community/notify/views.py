"""All my notices, newest first, a page at a time; 知道了 marks them read. For workers: the
SMS outbox and inbox of their units."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import worker_units_or_403
from ..formkit import EmptyForm
from ..web import no_store, safe_next
from . import service

bp = Blueprint("notify", __name__)


@bp.route("/")
@login_required
@no_store
def index():
    """My notices, 20 a page, the unread ones marked 新."""
    page = max(request.args.get("page", 1, type=int), 1)
    notices, more = service.notices_page(current_user, page)
    return render_template("notify/index.html", notices=notices, page=page, more=more)


@bp.route("/read", methods=("POST",))
@login_required
def read():
    """知道了: every notice of mine counts as read; back to where the button was."""
    if EmptyForm().validate_on_submit():
        service.mark_all_read(current_user)
    return redirect(safe_next(request.args.get("next")) or url_for("home.index"), 303)


@bp.route("/sms")
@login_required
@no_store
def sms():
    """Workers: the SMS sent to (?box=out) or received from (?box=in) the residents of their
    units, 30 a page, the phone masked."""
    units = worker_units_or_403(current_user)
    box = request.args.get("box", "out")
    if box not in ("out", "in"):
        abort(404)
    page = max(request.args.get("page", 1, type=int), 1)
    rows, more = service.sms_page(box, units, page)
    return render_template("notify/sms.html", box=box, rows=rows, page=page, more=more,
                           mask=service.mask)
