"""居务公开栏: public pages (no login), the A4 print layout with a QR code, the Atom feed."""

import secrets

import segno
from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from ..access import has_role, require_role
from ..clock import now
from ..extensions import db
from ..formkit import field_error
from ..i18n import gettext as _
from ..projects.service import lives_in
from ..units.models import Unit
from ..web import rerender_on_csrf_error
from . import cache, service
from .forms import ObjectionForm, settings_form
from .models import SECTION_LABELS, SECTIONS

bp = Blueprint("board", __name__)
PER_PAGE = 20


@bp.context_processor
def _clock():
    return {"now_utc": now()}


def _unit(unit_id: int) -> Unit:
    unit = db.get_or_404(Unit, unit_id)
    if unit.kind == "building":
        abort(404)  # a building's board would come close to naming households
    return unit


def qr_svg(url: str) -> Markup:
    """An inline SVG QR code for url (no style attribute: the CSP forbids inline styles)."""
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, border=4, svgclass="qr", lineclass=None,  # noqa: S704
                                  title=_("扫码打开网上公开栏")))


@bp.route("/")
def index():
    """Every community's and village's notice board."""
    units = db.session.scalars(db.select(Unit).where(Unit.kind == "community")
                               .options(selectinload(Unit.parent)).order_by(Unit.path))
    return _public(render_template("board/index.html", units=list(units)))


@bp.route("/<int:unit_id>")
def show(unit_id):
    """The notice board: the latest items of every section, with dates and windows.

    An anonymous visitor gets the page kept whole (per unit, language and elder mode, at the
    board's version), with only the CSRF token of the elder-mode switch, which is their
    session's own, put in; anyone else gets the kept sections in a page made for them."""
    place = service.place_or_404(unit_id)
    if _same_for_everyone():
        key = ("page", place.id, str(get_locale()), request.cookies.get("elder") == "1")
        page = cache.get(key, place.version, lambda: _render_show(place, csrf_token=_slot))
        return _public(page.replace(TOKEN_SLOT, generate_csrf()))
    return _public(_render_show(place))


# Stands for the visitor's CSRF token in a kept page; random, so no posted text can hold it.
TOKEN_SLOT = f"csrf-slot-{secrets.token_hex(16)}"


def _slot() -> str:
    return TOKEN_SLOT


def _same_for_everyone() -> bool:
    """The page holds nothing of this visitor's but the CSRF token: not logged in, no kiosk,
    no message waiting to be shown, no query string (the elder switch returns to the path)."""
    return not (current_user.is_authenticated or session.get("kiosk_device")
                or "_flashes" in session or request.query_string)


def _render_show(place, **extra) -> str:
    return render_template("board/show.html", unit=place, board=_board_html(place),
                           can_configure=has_role(current_user, "worker", place), **extra)


def _board_html(place) -> Markup:
    """The sections and the children's boards, the same for every visitor: kept per process
    by (unit, language, board version) for at most BOARD_CACHE_SECONDS."""
    key = ("sections", place.id, str(get_locale()))
    return cache.get(key, place.version, lambda: Markup(render_template(  # noqa: S704
        "board/_board.html", unit=place, sections=service.board(place),
        children=place.children)))


@bp.route("/<int:unit_id>/more/<section>")
def section(unit_id, section):
    """One section in full, page by page (Previous/Next)."""
    place = service.place_or_404(unit_id)
    if section not in SECTIONS:
        abort(404)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    items, total = service.section_items(place, section, PER_PAGE, (page - 1) * PER_PAGE)
    if page > 1 and not items:
        abort(404)
    return _public(render_template(
        "board/section.html", unit=place, section=section, label=SECTION_LABELS[section],
        items=items, page=page, has_next=page * PER_PAGE < total, total=total))


@bp.route("/<int:unit_id>/print")
def print_view(unit_id):
    """An A4 sheet to post on the wall, with a QR code to the online board."""
    place = service.place_or_404(unit_id)
    url = url_for(".show", unit_id=place.id, _external=True)
    return _public(render_template("board/print.html", unit=place, url=url, qr=qr_svg(url),
                                   sections=service.board(place, per_section=4)))


@bp.route("/<int:unit_id>/feed.atom")
def feed(unit_id):
    """An Atom feed of the newest items of every section."""
    place = service.place_or_404(unit_id)
    resp = make_response(render_template("board/feed.xml", unit=place,
                                         items=service.feed(place), unit_epoch=now()))
    resp.headers["Content-Type"] = "application/atom+xml; charset=utf-8"
    return _public(resp)


@bp.route("/<int:unit_id>/objection", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def objection(unit_id):
    """A resident of the unit objects to an item while its objection window is open."""
    unit = _unit(unit_id)
    section, key = request.values.get("section", ""), request.values.get("key", "")
    item = service.find_item(service.place_or_404(unit_id), section, key)
    if not lives_in(current_user, unit):
        abort(403)
    if not service.objection_open(item):
        abort(404)
    form = ObjectionForm()
    if form.validate_on_submit():
        try:
            service.file_objection(unit, item, current_user, form.text.data,
                                   form.submit_token.data)
        except service.ObjectionRefused as e:  # the window closed while the resident typed
            field_error(form, e, "text")
        else:
            flash(_("您的异议已提交，将作为议题办理。"))
            return redirect(url_for(".show", unit_id=unit.id), 303)
    return render_template("board/objection.html", unit=unit, item=item, form=form,
                           label=SECTION_LABELS[section]), 422 if form.errors else 200


@bp.route("/<int:unit_id>/settings", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
def settings(unit_id):
    """A worker sets how long each section stays up and its objection window."""
    unit = _unit(unit_id)
    require_role("worker", unit)
    place = service.place_or_404(unit_id)
    form = settings_form({s: service.window(place, s) for s in SECTIONS})
    if form.validate_on_submit():
        service.save_settings(unit, {s: (form[f"{s}_display"].data, form[f"{s}_objection"].data)
                                     for s in SECTIONS}, current_user)
        flash(_("已保存。"))
        return redirect(url_for(".show", unit_id=unit.id), 303)
    return render_template("board/settings.html", unit=unit, form=form,
                           sections=SECTIONS), 422 if form.errors else 200


def _public(resp):
    """Anonymous copies may be cached for a minute; a logged-in page stays no-store."""
    resp = make_response(resp)
    if not current_user.is_authenticated:
        resp.headers["Cache-Control"] = "public, max-age=60"
        resp.vary.add("Cookie")
    return resp
