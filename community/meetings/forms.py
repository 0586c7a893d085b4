"""Forms of 民事民议: bodies and members, meetings and agendas, attendance, minutes, review."""


from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..formkit import choices, new_token, one_of
from ..formkit import strip as _strip
from ..i18n import lazy_gettext as _l
from .seats import (
    COMPOSITIONS,
    KIND_LABELS,
    MODE_LABELS,
    NEXT_STEPS,
    OUTCOME_KIND_LABELS,
    OUTCOME_STATUS_LABELS,
    QUORUMS,
    REPEAT_LABELS,
)

AGENDA_MAX, NOTE_MAX, MINUTES_MAX = 1000, 500, 2000


def _digits(value):
    return value.replace(" ", "").strip() if isinstance(value, str) else value


def int_or_none(value):
    """Coerce a choice to int; anything else becomes None (refused by one_of)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def with_token(form):
    """Give a fresh create form its one-time token."""
    if not form.submit_token.data:
        form.submit_token.data = new_token()
    return form


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class BodyForm(FlaskForm):
    unit_id = SelectField(_l("所属社区（村）或小区（村民小组）"), coerce=int_or_none,
                          validate_choice=False, validators=[one_of(_l("请选择所属单位"))])
    name = StringField(_l("名称"), filters=[_strip], validators=[
        DataRequired(_l("请写名称")), Length(max=60, message=_l("名称最多60个字"))],
        render_kw={"maxlength": 60})
    kind = RadioField(_l("组成方式"), choices=choices((k, v[0]) for k, v in COMPOSITIONS.items()),
                      validate_choice=False, validators=[one_of(_l("请选择组成方式"))])
    quorum = SelectField(_l("开会至少要到多少成员"),
                         choices=choices([("", _l("不设"))]
                                         + [(k, v[0]) for k, v in QUORUMS.items()]),
                         validate_choice=False, validators=[one_of(_l("请选择"))])
    submit_token = HiddenField()
    submit = SubmitField(_l("建立"))


class PersonForm(FlaskForm):
    """A standing member (with a seat) or a +N stakeholder of one meeting."""
    seat = SelectField(_l("席位"), validate_choice=False, validators=[one_of(_l("请选择席位"))])
    who = StringField(_l("手机号或居民码"), filters=[_digits], validators=[
        Optional(), Regexp(r"^\d{6,12}$", message=_l("手机号是11位数字，居民码是8位数字"))],
        render_kw={"inputmode": "numeric", "maxlength": 12, "autocomplete": "off"})
    name = StringField(_l("姓名"), filters=[_strip], validators=[
        Length(max=40, message=_l("姓名最多40个字"))], render_kw={"maxlength": 40})
    org = StringField(_l("单位或身份（可不填）"), filters=[_strip], validators=[
        Length(max=60, message=_l("最多60个字"))], render_kw={"maxlength": 60})
    submit_token = HiddenField()
    submit = SubmitField(_l("加入"))

    def validate_name(self, field):
        if not field.data and not self.who.data:
            raise ValidationError(_l("请填手机号或居民码，或者填姓名"))


class MeetingForm(FlaskForm):
    title = StringField(_l("会议名称"), filters=[_strip], validators=[
        DataRequired(_l("请写会议名称")), Length(max=60, message=_l("最多60个字"))],
        render_kw={"maxlength": 60})
    kind = RadioField(_l("类型"), choices=choices(KIND_LABELS.items()), default="regular",
                      validate_choice=False, validators=[one_of(_l("请选择类型"))])
    date = DateField(_l("日期"), format=["%Y-%m-%d", "%Y/%m/%d"], validators=[
        DataRequired(_l("请按 2026-03-15 的样子写日期"))])
    starts = TimeField(_l("开始时间"), validators=[DataRequired(_l("请按 19:30 的样子写时间"))])
    ends = TimeField(_l("结束时间"), validators=[DataRequired(_l("请按 21:00 的样子写时间"))])
    place = StringField(_l("地点"), filters=[_strip], validators=[
        DataRequired(_l("请写地点")), Length(max=80, message=_l("最多80个字"))],
        render_kw={"maxlength": 80})
    mode = RadioField(_l("开会方式"), choices=choices(MODE_LABELS.items()), default="onsite",
                      validate_choice=False, validators=[one_of(_l("请选择开会方式"))])
    submit = SubmitField(_l("保存"))

    def validate_ends(self, field):
        if self.starts.data and field.data and field.data <= self.starts.data:
            raise ValidationError(_l("结束时间要晚于开始时间"))


class NewMeetingForm(MeetingForm):
    agenda = TextAreaField(_l("议程（一行写一项）"), filters=[_strip], validators=[
        Length(max=AGENDA_MAX, message=_l("议程最多1000个字"))], render_kw={"rows": 4})
    issues = MultiCheckboxField(_l("把这些议题列入议程"), coerce=int_or_none, validate_choice=False)
    repeat = SelectField(_l("重复"), choices=choices(REPEAT_LABELS.items()), validate_choice=False,
                         validators=[one_of(_l("请选择是否重复"))])
    count = IntegerField(_l("一共开几次"), default=1, validators=[
        NumberRange(1, 12, message=_l("请填1到12"))], render_kw={"inputmode": "numeric"})
    submit_token = HiddenField()
    submit = SubmitField(_l("安排会议并通知居民"))

    def validate_agenda(self, field):
        lines = [x for x in (field.data or "").splitlines() if x.strip()]
        if not lines and not self.issues.data:
            raise ValidationError(_l("议程不能是空的：至少写一项，或勾选一个议题"))
        if not lines and (self.count.data or 1) > 1 and self.repeat.data:
            raise ValidationError(_l("每次会议都要有议程：重复的会议请在这里写常规议程"))
        if len(lines) > 20 or any(len(x.strip()) > 60 for x in lines):
            raise ValidationError(_l("议程最多20项，每项最多60个字"))

    def validate_issues(self, field):
        if set(field.data or []) - {c.value for c in field.choices}:
            raise ValidationError(_l("有议题现在不能列入议程，请重新勾选"))


class ItemForm(FlaskForm):
    title = StringField(_l("议程事项"), filters=[_strip], validators=[
        DataRequired(_l("请写议程事项")), Length(max=60, message=_l("最多60个字"))],
        render_kw={"maxlength": 60})
    note = TextAreaField(_l("说明（可不填）"), filters=[_strip], validators=[
        Length(max=NOTE_MAX, message=_l("说明最多500个字"))], render_kw={"rows": 2})
    issue_id = SelectField(_l("关联议题（可不选）"), coerce=int_or_none, validate_choice=False,
                           default=0, validators=[one_of(_l("这个议题现在不能列入议程"))])
    submit_token = HiddenField()
    submit = SubmitField(_l("加入议程"))


class WhoForm(FlaskForm):
    who = StringField(_l("到会居民的手机号或居民码"), filters=[_digits], validators=[
        DataRequired(_l("请填手机号或居民码")),
        Regexp(r"^\d{6,12}$", message=_l("手机号是11位数字，居民码是8位数字"))],
        render_kw={"inputmode": "numeric", "maxlength": 12, "autocomplete": "off"})
    submit = SubmitField(_l("记为到会"))


class CheckinForm(FlaskForm):
    code = StringField(_l("会议签到码"), filters=[_digits], validators=[
        DataRequired(_l("请填会场公布的4位签到码")),
        Regexp(r"^\d{4}$", message=_l("签到码是4位数字"))],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off"})
    submit = SubmitField(_l("签到"))


class MinutesForm(FlaskForm):
    summary = TextAreaField(_l("讨论情况"), filters=[_strip], validators=[
        DataRequired(_l("请写讨论情况")), Length(max=MINUTES_MAX, message=_l("最多2000个字"))],
        render_kw={"rows": 5})
    dissent = TextAreaField(_l("不同意见（没有就空着）"), filters=[_strip], validators=[
        Length(max=1000, message=_l("最多1000个字"))], render_kw={"rows": 3})
    outcome_kind = RadioField(_l("协商成果"), default="none", choices=choices(
        [("none", _l("还没有成果"))] + list(OUTCOME_KIND_LABELS.items())), validate_choice=False,
        validators=[one_of(_l("请选择"))])
    outcome_text = TextAreaField(_l("成果内容"), filters=[_strip], validators=[
        Length(max=1000, message=_l("最多1000个字"))], render_kw={"rows": 3})
    options = TextAreaField(_l("几种方案（一行写一种，2到6种）"), filters=[_strip], validators=[
        Length(max=600, message=_l("最多600个字"))], render_kw={"rows": 4})
    submit = SubmitField(_l("保存纪要"))

    def validate_outcome_text(self, field):
        if self.outcome_kind.data != "none" and not field.data:
            raise ValidationError(_l("请写成果内容"))

    def validate_options(self, field):
        lines = [x for x in (field.data or "").splitlines() if x.strip()]
        if self.outcome_kind.data == "alternatives" and not 2 <= len(lines) <= 6:
            raise ValidationError(_l("几种方案要写2到6行，一行一种"))
        if any(len(x.strip()) > 60 for x in lines):
            raise ValidationError(_l("每种方案最多60个字"))


class ReviewForm(FlaskForm):
    decision = RadioField(_l("审核意见"), choices=choices(
        [("approve", _l("同意")), ("return", _l("退回修改"))]),
        validate_choice=False, validators=[one_of(_l("请选择同意或退回"))])
    note = TextAreaField(_l("说明（退回时必填）"), filters=[_strip], validators=[
        Length(max=200, message=_l("最多200个字"))], render_kw={"rows": 2, "maxlength": 200})
    submit = SubmitField(_l("提交审核意见"))

    def validate_note(self, field):
        if self.decision.data == "return" and not field.data:
            raise ValidationError(_l("退回时请写明要改什么"))


class NextStepForm(FlaskForm):
    step = RadioField(_l("下一步"), choices=choices(
        (s, OUTCOME_STATUS_LABELS[s]) for s in NEXT_STEPS),
                      validate_choice=False, validators=[one_of(_l("请选择下一步"))])
    submit = SubmitField(_l("确定下一步"))
