"""Small pieces every area's forms share: filters, choice lists, one-time submit tokens,
fields for amounts and dates typed the way people type them, and the login form (the login
page and a volunteer's re-login both show it)."""

import contextlib
import re
import secrets
import unicodedata
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import flash
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Regexp, ValidationError

from .clock import today
from .i18n import lazy_gettext as _l


class EmptyForm(FlaskForm):
    """A form with only the CSRF token, for one-button actions such as 退出."""
    submit = SubmitField(_l("确定"))


def strip(value):
    """Filter: trim surrounding white space from text input."""
    return value.strip() if isinstance(value, str) else value


def _no_spaces(value):
    """Drop the spaces people type inside phone numbers and codes ("138 0000 0001")."""
    return value.replace(" ", "").strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Phone number or resident code, and the 6-digit PIN."""
    login = StringField(_l("手机号或居民码"), filters=[_no_spaces], validators=[
        DataRequired(_l("请填写手机号或居民码")),
        Regexp(r"^\d{6,11}$", message=_l("手机号是11位数字，居民码是8位数字")),
    ], render_kw={"inputmode": "numeric", "autocomplete": "username", "maxlength": 11})
    pin = PasswordField(_l("6位密码"), validators=[
        DataRequired(_l("请填写6位数字密码")),
        Regexp(r"^\d{6}$", message=_l("密码是6位数字")),
    ], render_kw={"inputmode": "numeric", "autocomplete": "current-password", "maxlength": 6})
    submit = SubmitField(_l("登录"))


def one_of(message):
    """A choice validator with our own words (WTForms' default message is English)."""
    def check(form, field):
        if field.data not in [c.value for c in field.choices]:
            raise ValidationError(message)
    return check


class AtLeastOne:
    """A checkbox group needs one box ticked. Unlike DataRequired it sets no `required` flag:
    on a group that flag lands on every box, and the browser then wants them all ticked."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not field.data:
            raise ValidationError(self.message)


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def unit_choices(units) -> list[SelectChoice]:
    """Units as "船柴社区 / 船柴一区 / 1栋" (the names of their listed ancestors), in order."""
    by_id = {u.id: u for u in units}
    return [SelectChoice(u.id, " / ".join(by_id[i].name for i in u.ancestor_ids() if i in by_id))
            for u in units]


def field_error(form, error, default: str | None = None) -> None:
    """Show a service's refusal (a DomainError) beside the field it names; when it names no
    field of this form, beside `default`, or with no default at the top of the page."""
    name = error.field if error.field in form else default
    field = form[name] if name else None
    if field is None:
        flash(str(error), "error")
        return
    field.errors = [*field.errors, str(error)]
    form._errors = None  # WTForms caches form.errors; let it see the new message


def new_token() -> str:
    """A one-time token for a create form, so a retried submit makes no second row."""
    return secrets.token_urlsafe(18)


_DATE = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")  # i18n: data (what is typed)
EARLIEST = date(2000, 1, 1)


class AmountField(StringField):
    """An exact decimal typed as text (全角 digits, commas and 元 allowed), kept as typed."""

    def __init__(self, label=None, validators=None, *, maximum, places=2, **kw):
        kw.setdefault("render_kw", {"inputmode": "decimal", "maxlength": 20})
        super().__init__(label, validators, **kw)
        self.places, self.maximum, self.decimal = places, Decimal(maximum), None

    def pre_validate(self, form):
        text = unicodedata.normalize("NFKC", self.data or "")
        text = re.sub(r"[,，\s元]", "", text)  # i18n: data (what is typed)
        self.decimal = None
        if not text:
            return
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_l("请填写数字，例如 1200.50")) from None
        if not value.is_finite() or value <= 0:
            raise ValidationError(_l("要大于0"))
        if value > self.maximum:
            raise ValidationError(_l("数目太大了，不能超过 %(n)s", n=f"{self.maximum:,}"))
        if value.as_tuple().exponent < -self.places:
            raise ValidationError(_l("最多%(n)s位小数", n=self.places))
        self.decimal = value


class DayField(DateField):
    """A date as 2026-05-01 (also 2026/5/1 or 2026年5月1日), within a sensible range."""

    def __init__(self, label=None, validators=None, future_days=5 * 366, **kw):
        super().__init__(label, validators, **kw)
        self.future_days = future_days

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = unicodedata.normalize("NFKC", valuelist[0]).strip()
        self.data = None
        if not text:
            return
        m = _DATE.match(text)
        with contextlib.suppress(ValueError):
            self.data = date(int(m[1]), int(m[2]), int(m[3])) if m else None
        if self.data is None:
            raise ValueError(_l("请按 2026-05-01 这样的格式填写日期"))

    def post_validate(self, form, validation_stopped):
        if self.data and not (EARLIEST <= self.data <= today()
                              + timedelta(days=self.future_days)):
            self.errors.append(_l("日期不合理，请检查年份"))
