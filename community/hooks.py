"""Per-request plumbing: login loading, idle timeout, security headers, gzip, template globals."""

import gzip
from datetime import datetime, timedelta
from itertools import chain

from flask import Response, abort, current_app, flash, g, redirect, request, session, url_for
from flask_login import current_user

from . import clock, drafts
from .assets import asset_url
from .assets import bp as assets_bp
from .auth import service as auth_service
from .extensions import db, login_manager
from .i18n import gettext as _
from .nav import menu_for
from .residents.models import Resident

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; "
       "object-src 'none'; frame-ancestors 'none'")
# Level 5: ~30 µs for a 5 KB page; level 1 saves ~10 µs but sends ~5 % more bytes, and on
# a 2G line bytes cost far more than microseconds.
GZIP_LEVEL = 5
SEEN_EVERY = 60  # seconds: how often an active session's last-seen time is written
_COMPRESSIBLE = ("text/", "application/json", "application/atom+xml", "image/svg+xml")


def init_app(app):
    """Install the hooks on the app."""
    app.register_blueprint(assets_bp)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    app.before_request(_expire_idle_session)
    app.before_request(_refuse_nul)
    app.after_request(_security_headers)
    app.after_request(_compress)
    app.context_processor(lambda: {"asset_url": asset_url, "menu": menu_for(current_user),
                                   "elder_mode": request.cookies.get("elder") == "1"})


def _load_user(user_id: str):
    rid, _, epoch = user_id.partition("-")
    if not (rid.isdigit() and epoch.isdigit()):
        return None
    resident = db.session.get(Resident, int(rid))
    if resident is None or resident.died_on is not None:
        return None
    return resident if resident.session_epoch == int(epoch) else None


def _unauthorized():
    """Send the user to the login page (the keypad one at a kiosk); htmx navigates whole."""
    kiosk = session.get("kiosk_device")
    login = "kiosk.login" if kiosk else "auth.login"
    # A form posted after the login ran out: keep what was typed, come back to the form.
    back = None if kiosk else drafts.keep_for_login()
    target = url_for(login, next=back or request.full_path.rstrip("?"))
    if back:
        flash(_("登录已过期，请重新登录。您写的内容已经保留。"))
    if request.headers.get("HX-Request") == "true":
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target, 303)


def _expire_idle_session():
    """Log out a session idle for longer than the limit (30 minutes; 60 s at a kiosk)."""
    if request.endpoint in ("assets.serve", "static"):
        return
    limit = current_app.config["PERMANENT_SESSION_LIFETIME"]
    if session.get("kiosk_device"):
        limit = timedelta(seconds=current_app.config["KIOSK_IDLE_SECONDS"])
    now = clock.now()
    seen = session.get("seen")
    if "_user_id" in session and seen is not None and now - datetime.fromtimestamp(seen) > limit:
        auth_service.log_out(everywhere=False)
        g.session_expired = True
    # The cookie is signed again only when the session changes, so `seen` moves only when a
    # minute has passed (30 minutes idle is then ended within a minute). A kiosk's idle limit
    # is a minute or less: there it moves on every request.
    if "_user_id" in session and (seen is None or session.get("kiosk_device")
                                  or now.timestamp() - seen >= SEEN_EVERY):
        session["seen"] = int(now.timestamp())


def _refuse_nul():
    """Refuse text holding a NUL character: no keyboard types one, and PostgreSQL cannot store
    it (the insert would fail with a 500 instead)."""
    if request.is_json:
        if b"\\u0000" in request.get_data():
            return {"error": "nul_character", "message": _("文本里不能有空字符 (NUL)")}, 400
        return None
    for _name, value in chain(request.args.items(multi=True), request.form.items(multi=True)):
        if "\x00" in value:
            abort(400)
    return None


def _security_headers(resp):
    h = resp.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    if current_user.is_authenticated and "Cache-Control" not in h:
        h["Cache-Control"] = "no-store"
    return resp


def _compress(resp):
    """Gzip text responses for slow networks (static assets come pre-compressed)."""
    if (resp.direct_passthrough or resp.status_code < 200 or resp.status_code in (204, 304)
            or "Content-Encoding" in resp.headers
            or "gzip" not in request.headers.get("Accept-Encoding", "")
            or not (resp.mimetype or "").startswith(_COMPRESSIBLE)):
        return resp
    data = resp.get_data()
    if len(data) < 300:
        return resp
    resp.set_data(gzip.compress(data, compresslevel=GZIP_LEVEL))
    resp.headers["Content-Encoding"] = "gzip"
    resp.vary.add("Accept-Encoding")
    return resp
