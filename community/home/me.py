"""My information and my own settings (/me): PIN, showing my name, SMS, elder mode.

Each setting is its own small form (CSRF, works without JavaScript, POST-redirect-GET). Their
field names differ, so the forms need no prefix and each sends the plain `csrf_token`."""

from flask import flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, login_user

from ..access import home_units
from ..auth.service import AccountLocked
from ..formkit import EmptyForm, field_error, new_token
from ..i18n import gettext as _
from ..residents import settings
from ..web import no_store, rerender_on_csrf_error
from . import bp
from .forms import ChangePinForm, PublishNameForm, SmsForm


def _me():
    return current_user._get_current_object()


def _page(status=200, pin=None, name=None, sms=None):
    """The /me page; a form sent back with a message replaces its blank copy."""
    if pin is None:
        pin = ChangePinForm(formdata=None)
        pin.submit_token.data = new_token()
    name = name or PublishNameForm(formdata=None, publish_name=current_user.publish_name)
    sms = sms or SmsForm(formdata=None, sms=not current_user.sms_opt_out)
    return render_template("home/profile.html", units=home_units(current_user),
                           form=EmptyForm(), pin_form=pin, name_form=name,
                           sms_form=sms), status


def _back(anchor):
    return redirect(url_for("home.profile", _anchor=anchor), 303)


@bp.route("/me")
@login_required
@no_store
def profile():
    """Show my household, the units I belong to, my roles and my settings."""
    return _page()


@bp.route("/me/pin", methods=("POST",))
@rerender_on_csrf_error
@login_required
@no_store
def change_pin():
    """Change my PIN: the old one, the new one twice; other logins end."""
    form = ChangePinForm()
    token = form.submit_token.data
    if token and token == session.get("pin_changed"):
        return _back("set-pin")  # the same submit again (a retry on a slow network): done
    if form.validate_on_submit():
        try:
            settings.change_pin(_me(), form.old_pin.data, form.new_pin.data)
        except (AccountLocked, settings.WrongPin) as e:
            field_error(form, e, "old_pin")
        else:
            login_user(_me())  # this phone stays logged in with the new session epoch
            session["pin_changed"] = token
            flash(_("密码已修改，下次请用新密码登录。别的手机上的登录已经退出。"))
            return _back("set-pin")
    return _page(422, pin=form)


@bp.route("/me/name", methods=("POST",))
@rerender_on_csrf_error
@login_required
@no_store
def publish_name():
    """Consent (or not) to my name on the notice board and the contributions ledger."""
    form = PublishNameForm()
    if form.validate_on_submit():
        settings.set_publish_name(_me(), form.publish_name.data)
        flash(_("已保存：公开栏和出力记录上会显示您的姓名。") if form.publish_name.data
              else _("已保存：公开栏和出力记录上不显示您的姓名。"))
        return _back("set-name")
    return _page(422, name=form)


@bp.route("/me/sms", methods=("POST",))
@rerender_on_csrf_error
@login_required
@no_store
def sms():
    """Receive SMS notices or not; the notices in my to-dos stay either way."""
    form = SmsForm()
    if form.validate_on_submit():
        settings.set_sms(_me(), form.sms.data)
        flash(_("已保存：会给您发短信通知。") if form.sms.data
              else _("已保存：不再给您发短信，通知仍会显示在首页的消息里。"))
        return _back("set-sms")
    return _page(422, sms=form)
