"""Kiosk forms: keypad login, device registration."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from ..i18n import lazy_gettext as _l

# data-keypad: the field the on-screen keypad types into (kiosk.js).
_KIOSK = {"autocomplete": "off", "inputmode": "numeric", "autocapitalize": "off",
          "spellcheck": "false", "data-keypad": True}


def _digits(value):
    return "".join(c for c in value if c.isdigit()) if isinstance(value, str) else value


class KioskLoginForm(FlaskForm):
    """Resident code, then PIN. No `required` attributes: every keypad key submits the form."""

    step = HiddenField(default="code")
    code = StringField(_l("居民码"), filters=[_digits],
                       render_kw={**_KIOSK, "maxlength": 12})
    pin = PasswordField(_l("6位密码"), filters=[_digits], render_kw={**_KIOSK, "maxlength": 6})


class RegisterForm(FlaskForm):
    name = StringField(_l("终端名称"), validators=[
        DataRequired(_l("请给这台终端起个名字，如“党群服务中心一楼”")),
        Length(max=40, message=_l("名称最多40个字"))], render_kw={"maxlength": 40})
    unit_id = SelectField(_l("所属社区或小区"), coerce=int)


class CheckinForm(FlaskForm):
    meeting_id = RadioField(_l("哪个会议"), coerce=int, validators=[
        InputRequired(_l("请选会议"))], invalid_choice_message=_l("请选会议"))
    who = StringField(_l("居民码"), filters=[_digits], validators=[
        DataRequired(_l("请输入凭条上的居民码")),
        Regexp(r"^\d{6,12}$", message=_l("居民码是凭条上的8位数字"))],
        render_kw={**_KIOSK, "maxlength": 12})
    code = StringField(_l("会议签到码"), filters=[_digits], validators=[
        DataRequired(_l("请输入会场公布的4位签到码")),
        Regexp(r"^\d{4}$", message=_l("签到码是4位数字"))], render_kw={**_KIOSK, "maxlength": 4})
