"""All my notices, newest first, a page at a time; showing them marks them read."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from ..web import no_store
from . import service

bp = Blueprint("notify", __name__)


@bp.route("/")
@login_required
@no_store
def index():
    """My notices, 20 a page; the ones shown count as read."""
    page = max(request.args.get("page", 1, type=int), 1)
    notices, more = service.notices_page(current_user, page)
    unread = {n.id for n in notices if n.read_at is None}
    html = render_template("notify/index.html", notices=notices, unread=unread, page=page,
                           more=more)
    service.mark_read(notices)  # after rendering: committing would reload every row
    return html
