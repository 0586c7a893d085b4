"""Never lose what a volunteer typed when the session ended (idle, signal gone, new phone).

A POST that arrives logged out gets the login page back with every typed field carried in
hidden inputs and the form posting to the same URL. When that login succeeds the same request
goes on and saves the form, so one more tap finishes the job.
"""

from flask import g, render_template, request
from flask_login import current_user

from ..auth import service as auth_service
from ..formkit import LoginForm, field_error
from ..i18n import gettext as _

_NOT_CARRIED = {"csrf_token", "login", "pin", "submit"}


def carried() -> list[tuple[str, str]]:
    """The typed fields to carry through the login page."""
    return [(k, v) for k, v in request.form.items(multi=True) if k not in _NOT_CARRIED]


def resume_or_login():
    """None when the user is (again) logged in and the POST can go on; else the login page."""
    if current_user.is_authenticated:
        return None
    form = LoginForm()
    # g.csrf_valid: CSRFProtect accepted this very request (not the CSRF error handler).
    if "pin" in request.form and g.get("csrf_valid") and form.validate():
        try:
            resident = auth_service.authenticate(form.login.data, form.pin.data)
        except auth_service.AccountLocked:
            form.pin.errors.append(_("密码错误次数太多，此账户已暂时锁定，请稍后再试。"))
        except (auth_service.LoginFailed, auth_service.AccountClosed) as e:
            field_error(form, e)
        else:
            auth_service.log_in(resident)
            return None
    status = 422 if form.errors else 200
    return render_template("volunteer/relogin.html", form=form, carried=carried(),
                           note=request.form.get("note", "")), status



