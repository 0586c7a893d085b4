"""Kiosk screens: start screen, keypad login, logout, device registration and revocation."""

from flask import (
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime
from flask_login import current_user, login_required

from ..access import role_units, worker_units_or_403
from ..auth import service as auth_service
from ..extensions import csrf, db, limiter
from ..formkit import EmptyForm, field_error
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..units.models import Unit
from ..web import no_store, rerender_on_csrf_error, safe_next
from . import bp, keypad, service
from .forms import KioskLoginForm, RegisterForm

TILES = [(_l("投票"), "ballots.index"), (_l("提议题"), "issues.new"),
         (_l("看会议"), "meetings.index"), (_l("看公告"), "board.index")]
_ASSETS = ("assets.serve", "static")


@bp.route("")
@no_store
def index():
    """The start screen: four giant buttons, and log in or out."""
    session.pop(keypad.SESSION_KEY, None)
    tiles = [(label, url_for(ep)) for label, ep in TILES]
    registered = bool(session.get("kiosk_device"))
    return render_template("kiosk/index.html", tiles=tiles, registered=registered,
                           can_register=bool(role_units(current_user, "worker"))
                           if current_user.is_authenticated else False)


@bp.route("/login", methods=("GET", "POST"))
@rerender_on_csrf_error
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"],
               exempt_when=lambda: keypad.is_keypress(request.form),
               deduct_when=lambda r: r.status_code != 303)  # failed attempts count
@no_store
def login():
    """Log in with the resident code and PIN on the on-screen keypad."""
    if not session.get("kiosk_device"):
        return redirect(url_for("auth.login", next=request.args.get("next")), 303)
    form = KioskLoginForm()
    if request.method == "GET":
        session.pop(keypad.SESSION_KEY, None)
        return _render_login(form, keypad.Entry("code", "", ""))
    valid = form.validate()
    entry, attempt = keypad.press(_entry_from(form), request.form.get("key"))
    if valid and attempt:
        resident = _authenticate(form, entry)
        if resident is not None:
            return _begin(resident)
        entry = keypad.Entry("pin", entry.code, "")
    keep = entry.pin if entry.step == "pin" and not form.pin.data else ""
    session[keypad.SESSION_KEY] = keep
    return _render_login(form, entry)


def _entry_from(form) -> keypad.Entry:
    step = "pin" if form.step.data == "pin" else "code"
    pin = (form.pin.data or session.get(keypad.SESSION_KEY, "")) if step == "pin" else ""
    return keypad.Entry(step, form.code.data or "", pin)


def _authenticate(form, entry):
    """The resident for this code and PIN, or None with the reason put beside the PIN."""
    try:
        return auth_service.authenticate(entry.code, entry.pin)
    except auth_service.AccountLocked as locked:
        form.pin.errors.append(_("密码错误次数太多，此账户已暂时锁定，请在 %(time)s 以后再试，"
                                 "或请工作人员帮忙。",
                                 time=format_datetime(locked.until, "HH:mm")))
    except auth_service.LoginFailed:
        form.pin.errors.append(_("居民码或密码不对，请再试一次。"))
    except auth_service.AccountClosed as e:
        field_error(form, e)
    return None


def _render_login(form, entry):
    """Show the keypad form for the current step; the PIN itself is never put in the page."""
    if entry.error == "code":
        form.code.errors.append(_("居民码是凭条上的8位数字，请再看一下。"))
    elif entry.error == "pin":
        form.pin.errors.append(_("密码是6位数字，请输满6位。"))
    form.step.data, form.code.data = entry.step, entry.code
    typed = len(entry.pin) if entry.step == "pin" and not form.pin.data else 0
    status = 422 if form.errors else 200
    return render_template("kiosk/login.html", form=form, step=entry.step, typed=typed,
                           pin_len=keypad.PIN_LEN), status


def _begin(resident):
    """Start a fresh, non-permanent session that remembers only the device."""
    target = safe_next(request.args.get("next")) or url_for("kiosk.index")
    auth_service.log_in(resident)  # keeps the device mark; the cookie dies with the browser
    flash(_("%(name)s，您好！用完请按“退出”。", name=resident.name))
    return redirect(target, 303)


@bp.route("/logout", methods=("POST",))
@csrf.exempt  # leaving is always safe, and must work even after the session expired
def logout():
    """Log out at the kiosk and go back to the start screen."""
    auth_service.log_out()
    flash(_("您已退出，下一位请按“登录”。"))
    return redirect(url_for("kiosk.index"), 303)


@bp.route("/ping")
def ping():
    """Keep a kiosk session alive while someone touches the screen (kiosk.js calls this)."""
    return "", 204, {"Cache-Control": "no-store"}


@bp.route("/register", methods=("GET", "POST"))
@rerender_on_csrf_error
@login_required
@no_store
def register():
    """A worker makes this browser a kiosk: a long-lived device cookie, only its hash kept."""
    units = worker_units_or_403(current_user)
    form = RegisterForm()
    form.unit_id.choices = [(u.id, u.name) for u in units]
    if form.validate_on_submit():
        device, token = service.register_device(form.name.data,
                                                db.get_or_404(Unit, form.unit_id.data),
                                                current_user)
        return _make_kiosk(device, token)
    return render_template("kiosk/register.html", form=form), 422 if form.errors else 200


def _make_kiosk(device, token):
    """Set the device cookie and log the worker out: this browser is now a public kiosk."""
    auth_service.log_out(everywhere=False)  # the worker stays logged in on their phone
    session.clear()
    session["kiosk_device"] = device.id
    flash(_("本设备已登记为自助终端：%(name)s。", name=device.name))
    if request.headers.get("HX-Request") == "true":  # a whole page load: see _no_store_at_kiosk
        resp = current_app.response_class(status=204,
                                          headers={"HX-Redirect": url_for("kiosk.index")})
    else:
        resp = redirect(url_for("kiosk.index"), 303)
    resp.set_cookie(service.COOKIE, token, max_age=service.COOKIE_MAX_AGE, path="/",
                    httponly=True, samesite="Lax",
                    secure=current_app.config["SESSION_COOKIE_SECURE"])
    return resp


@bp.route("/devices")
@login_required
@no_store
def devices():
    """List the kiosks in my units, with a button to revoke each."""
    worker_units_or_403(current_user)
    return render_template("kiosk/devices.html", devices=service.devices_for(current_user))


@bp.route("/devices/<int:device_id>/revoke", methods=("POST",))
@login_required
def revoke(device_id):
    """Stop a device being a kiosk."""
    device = service.get_device_or_404(device_id, current_user)
    if EmptyForm().validate_on_submit():
        service.revoke_device(device, current_user)
        flash(_("已停用自助终端：%(name)s。", name=device.name))
    return redirect(url_for("kiosk.devices"), 303)


@bp.before_app_request
def _recognise_device():
    """Mark the session as a kiosk session while the device cookie is valid."""
    token = request.cookies.get(service.COOKIE)
    if not token or request.endpoint in _ASSETS:
        return
    device = service.active_device(token)
    if device is None:
        session.pop("kiosk_device", None)
        g.forget_kiosk = True
    elif session.get("kiosk_device") != device.id:
        session["kiosk_device"] = device.id
        session.permanent = False


@bp.after_app_request
def _no_store_at_kiosk(resp):
    """Nothing a kiosk shows may be kept by the browser for the next person."""
    if g.get("forget_kiosk"):
        resp.delete_cookie(service.COOKIE, path="/")
    if request.endpoint not in _ASSETS and (request.cookies.get(service.COOKIE)
                                            or session.get("kiosk_device")):
        resp.headers["Cache-Control"] = "no-store"
    if (session.get("kiosk_device") and request.headers.get("HX-Request") == "true"
            and resp.status_code < 300 and "HX-Redirect" not in resp.headers):
        # A page that htmx asked for became a kiosk page (the worker's 登记本设备 was boosted):
        # load it whole, so the kiosk's script (idle logout, keypad) runs instead of htmx.
        resp.headers["HX-Redirect"] = request.full_path.rstrip("?")
    return resp


@bp.app_context_processor
def _kiosk_context():
    if not has_request_context():  # a template rendered by a command
        return {"kiosk_session": False, "kiosk_idle": False}
    kiosk = bool(session.get("kiosk_device"))
    idle = kiosk and (current_user.is_authenticated or request.endpoint != "kiosk.index")
    return {"kiosk_session": kiosk, "kiosk_idle": idle,
            "kiosk_idle_seconds": current_app.config["KIOSK_IDLE_SECONDS"]}

