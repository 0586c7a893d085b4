"""Log in and out."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import drafts
from ..extensions import limiter
from ..formkit import EmptyForm, LoginForm, field_error
from ..i18n import gettext as _
from ..web import no_store, rerender_on_csrf_error, safe_next
from . import service

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=("GET", "POST"))
@rerender_on_csrf_error
# Failed attempts count, successful logins do not: on a voting evening hundreds of residents
# share one carrier (NAT) address; guessing a PIN is stopped by the per-account lockout.
@limiter.limit(_login_limit, methods=["POST"], deduct_when=lambda r: r.status_code != 303)
@no_store
def login():
    """Log in with phone or resident code and the 6-digit PIN."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            resident = service.authenticate(form.login.data, form.pin.data)
        except (service.AccountLocked, service.LoginFailed, service.AccountClosed) as e:
            field_error(form, e)
        else:
            return _start_session(resident)
    status = 422 if form.errors or request.method == "POST" else 200
    return render_template("auth/login.html", form=form), status


def _start_session(resident):
    """Begin a fresh session (no fixation) and go where the user was heading."""
    target = safe_next(request.args.get("next")) or url_for("home.index")
    service.log_in(resident, keep=(drafts.KEY,))  # a form's text kept while the login ran out
    flash(_("%(name)s，您好！您已登录。", name=resident.name))
    return redirect(target, 303)


@bp.route("/logout", methods=("POST",))
def logout():
    """Log out and forget everything about this session."""
    form = EmptyForm()
    form.validate_on_submit()  # CSRF failures are handled globally; logout always proceeds.
    service.log_out()
    flash(_("您已退出。"))
    return redirect(url_for("home.index"), 303)
