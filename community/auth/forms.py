"""Login and logout forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Regexp


def _strip(value):
    """Drop the spaces people type inside phone numbers and codes ("138 0000 0001")."""
    return value.replace(" ", "").strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    login = StringField(_l("手机号或居民码"), filters=[_strip], validators=[
        DataRequired(_l("请填写手机号或居民码")),
        Regexp(r"^\d{6,11}$", message=_l("手机号是11位数字，居民码是8位数字")),
    ], render_kw={"inputmode": "numeric", "autocomplete": "username", "maxlength": 11})
    pin = PasswordField(_l("6位密码"), validators=[
        DataRequired(_l("请填写6位数字密码")),
        Regexp(r"^\d{6}$", message=_l("密码是6位数字")),
    ], render_kw={"inputmode": "numeric", "autocomplete": "current-password", "maxlength": 6})
    submit = SubmitField(_l("登录"))
