"""Ballot forms, and the signed ticket that makes a resent confirmation count once."""


from flask import current_app
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from .. import clock
from ..formkit import AtLeastOne
from ..i18n import lazy_gettext as _l
from .labels import CHANNEL_LABELS
from .models import Ballot, BallotOption

# Stored as the options' own words, which service.option_kinds reads.
DEFAULT_OPTIONS = "同意\n反对\n弃权"  # i18n: data
BASIS_CHOICES = [SelectChoice("resident", _l("居民（十八周岁以上，一人一票）")),
                 SelectChoice("household", _l("一户一票")),
                 SelectChoice("owner", _l("业主（按面积和人数）"))]
RULE_CHOICES = [SelectChoice("majority", _l("简单多数")), SelectChoice("assembly", _l("居民会议")),
                SelectChoice("representatives", _l("居民代表会议")),
                SelectChoice("owners_ordinary", _l("业主一般事项（过半数）")),
                SelectChoice("owners_special", _l("业主重大事项，如加装电梯（四分之三）"))]


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="ballot-receipt")


def make_ticket(ballot_id: int, key: str, receipt: str) -> str:
    """Sign (ballot, voter, receipt) into the confirmation form; nothing is stored."""
    return _serializer().dumps([ballot_id, key, receipt])


def read_ticket(ticket: str | None, ballot_id: int) -> tuple[str, str] | None:
    """(voter key, receipt) from a ticket this server signed for this ballot, else None."""
    try:
        b, key, receipt = _serializer().loads(ticket or "")
    except (BadSignature, ValueError, TypeError):
        return None
    return (key, receipt) if b == ballot_id else None


class OptionMixin:
    """An `option` radio that also accepts the option's label (同意) as its value."""

    def setup_options(self, ballot: Ballot) -> None:
        self.ballot = ballot
        self.option.choices = [SelectChoice(str(o.id), o.label) for o in ballot.options]
        by_label = {o.label: str(o.id) for o in ballot.options}
        self.option.data = by_label.get(self.option.data, self.option.data)

    @property
    def chosen(self) -> BallotOption | None:
        return next((o for o in self.ballot.options if str(o.id) == self.option.data), None)


class VoteForm(OptionMixin, FlaskForm):
    option = RadioField(_l("您的选择"), validators=[InputRequired(_l("请选一项"))])
    ticket = HiddenField()


class AssistForm(OptionMixin, FlaskForm):
    option = RadioField(_l("居民的选择"), validators=[InputRequired(_l("请选一项"))])
    ticket = HiddenField()
    pin = PasswordField(_l("请居民本人输入6位密码"), validators=[
        Optional(), Regexp(r"^\d{6}$", message=_l("密码是6位数字"))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 6})
    # Checked by the service against the staff of the resident's building.
    witness_id = SelectField(_l("或者：由另一位见证人确认"), coerce=int, default=0,
                             validate_choice=False)


class PaperForm(OptionMixin, FlaskForm):
    voter = StringField(_l("投票人的居民码或手机号"), validators=[
        DataRequired(_l("请填写居民码或手机号")),
        Regexp(r"^\d{6,11}$", message=_l("手机号是11位数字，居民码是8位数字"))],
        render_kw={"inputmode": "numeric", "maxlength": 11})
    option = RadioField(_l("选票上的选择"), validators=[InputRequired(_l("请选一项"))])
    witness_id = SelectField(_l("见证人"), coerce=int,
                             validators=[NumberRange(min=1, message=_l("请选见证人"))])
    ticket = HiddenField()


class AssemblyForm(FlaskForm):
    present = TextAreaField(_l("到会人员：居民码或手机号，每行一个"), validators=[
        DataRequired(_l("请填写到会人员"))])
    witness_id = SelectField(_l("见证人"), coerce=int,
                             validators=[NumberRange(min=1, message=_l("请选见证人"))])


def count_field(label: str) -> IntegerField:
    return IntegerField(label, default=0,
                        validators=[InputRequired(_l("请填写人数（没有就填0）")),
                                    NumberRange(min=0, max=100000)],
                        render_kw={"inputmode": "numeric"})


def assembly_form(ballot: Ballot) -> AssemblyForm:
    """The assembly form with one count field per option, named count_<option id>."""
    fields = {f"count_{o.id}": count_field(_l("举手“%(label)s”的人数", label=o.label))
              for o in ballot.options}
    return type("BallotAssemblyForm", (AssemblyForm,), fields)()


class ReportForm(FlaskForm):
    text = TextAreaField(_l("哪里不对？（可以不填）"), validators=[Length(max=300)],
                         render_kw={"maxlength": 300})


class LocalDateTimeField(DateTimeLocalField):
    """A datetime typed in Beijing time, stored as naive UTC."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = clock.from_local(self.data)


class BallotForm(FlaskForm):
    title = StringField(_l("表决事项"), validators=[
        DataRequired(_l("请填写表决事项")), Length(max=120, message=_l("最多120个字"))],
        render_kw={"maxlength": 120})
    unit_id = SelectField(_l("范围"), coerce=int)
    entrance = StringField(_l("只限某个单元（可不填）"), validators=[Length(max=20)],
                           render_kw={"maxlength": 20})
    basis = SelectField(_l("谁来投票"), choices=BASIS_CHOICES)
    rule = SelectField(_l("表决规则"), choices=RULE_CHOICES)
    options = TextAreaField(_l("选项，每行一个"), default=DEFAULT_OPTIONS, validators=[
        DataRequired(_l("请填写选项")), Length(max=500)])
    opens_at = LocalDateTimeField(_l("开始时间（不填就立即开始）"), validators=[Optional()])
    closes_at = LocalDateTimeField(_l("结束时间"), validators=[
        DataRequired(_l("请填写结束时间"))])
    secret = BooleanField(_l("无记名投票"), default=True)
    channels = SelectMultipleField(_l("投票方式"), default=["web", "kiosk", "visit", "paper"],
                                   choices=[SelectChoice(k, v) for k, v in CHANNEL_LABELS.items()],
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   validators=[AtLeastOne(_l("至少选一种投票方式"))])
    acknowledge = BooleanField(_l("已知晓公示期不足，仍要发起"))
    submit_token = HiddenField()

    @property
    def option_lines(self) -> list[str]:
        return [line.strip() for line in (self.options.data or "").splitlines() if line.strip()]
