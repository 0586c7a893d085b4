"""A resident's own settings (/me): change the PIN, publish the name, SMS notices."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Regexp, ValidationError

from ..i18n import lazy_gettext as _l
from ..residents.pins import WEAK_PINS


def _digits(value):
    """Drop the spaces people type inside a PIN."""
    return value.replace(" ", "").strip() if isinstance(value, str) else value


_PIN = {"inputmode": "numeric", "maxlength": 6, "autocomplete": "off"}


class ChangePinForm(FlaskForm):
    """A resident changes their own PIN: the old one, then the new one twice."""
    old_pin = PasswordField(_l("原来的6位密码"), filters=[_digits], validators=[
        DataRequired(_l("请填写原来的密码")), Regexp(r"^\d{6}$", message=_l("密码是6位数字"))],
        render_kw={**_PIN, "autocomplete": "current-password"})
    new_pin = PasswordField(_l("新的6位密码"), filters=[_digits], validators=[
        DataRequired(_l("请填写新密码")), Regexp(r"^\d{6}$", message=_l("密码是6位数字"))],
        render_kw={**_PIN, "autocomplete": "new-password"})
    new_pin_again = PasswordField(_l("再填一次新密码"), filters=[_digits], validators=[
        DataRequired(_l("请再填一次新密码")),
        EqualTo("new_pin", message=_l("两次填的新密码不一样，请重新填"))],
        render_kw={**_PIN, "autocomplete": "new-password"})
    submit_token = HiddenField()
    submit = SubmitField(_l("修改密码"))

    def validate_new_pin(self, field):
        if field.data in WEAK_PINS:
            raise ValidationError(_l("这个密码太容易被猜到，请换一个（不要用同一个数字或连号）"))
        if field.data and field.data == self.old_pin.data:
            raise ValidationError(_l("新密码要和原来的不一样"))


class PublishNameForm(FlaskForm):
    publish_name = BooleanField(_l("同意在公开栏和出力记录上显示我的姓名"))
    submit = SubmitField(_l("保存"))


class SmsForm(FlaskForm):
    sms = BooleanField(_l("接收短信通知（会议、投票等）"))
    submit = SubmitField(_l("保存"))
