"""Forms of 民事民提: post, find a resident, comment, hide, withdraw, triage, list filters."""


from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..formkit import choices
from ..formkit import one_of as one_of_choices
from ..formkit import strip as _strip
from ..i18n import lazy_gettext as _l
from .models import BODY_MAX, COMMENT_MAX, REASON_MAX, RESPONSIBLE_MAX, TITLE_MAX
from .states import ASSISTED_CHANNELS, CATEGORY_LABELS, CHANNEL_LABELS, STATUS_LABELS


def int_or_none(value):
    """Coerce a choice to int; anything else becomes None (refused by one_of_choices)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _token(value):
    """A one-time token is short; anything longer is cut so the column always fits."""
    return value[:40] if isinstance(value, str) else value


class IssueForm(FlaskForm):
    title = StringField(_l("标题（一句话说清什么事）"), filters=[_strip], validators=[
        DataRequired(_l("请写一个标题")),
        Length(max=TITLE_MAX, message=_l("标题最多60个字"))], render_kw={"maxlength": TITLE_MAX})
    body = TextAreaField(_l("详细情况（可不填）"), filters=[_strip], validators=[
        Length(max=BODY_MAX, message=_l("详细情况最多2000个字"))],
        render_kw={"maxlength": BODY_MAX, "rows": 5})
    unit_id = RadioField(_l("这件事涉及哪里"), coerce=int_or_none, validate_choice=False,
                         validators=[one_of_choices(_l("请选择您住的楼栋、小区或社区"))])
    channel = SelectField(_l("从哪里收到的"), validate_choice=False,
                          choices=choices((c, CHANNEL_LABELS[c]) for c in ASSISTED_CHANNELS),
                          validators=[one_of_choices(_l("请选择收到的渠道"))])
    urgent = BooleanField(_l("紧急（需要当天处理）"))
    submit_token = HiddenField(filters=[_token])
    submit = SubmitField(_l("提交"))


class FindResidentForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("姓名、手机号或门牌"), filters=[_strip], validators=[
        DataRequired(_l("请输入要找的居民")), Length(max=40, message=_l("最多40个字"))],
        render_kw={"maxlength": 40})


class CommentForm(FlaskForm):
    body = TextAreaField(_l("我的意见"), filters=[_strip], validators=[
        DataRequired(_l("请写下您的意见")),
        Length(max=COMMENT_MAX, message=_l("意见最多500个字"))],
        render_kw={"maxlength": COMMENT_MAX, "rows": 3})
    submit_token = HiddenField(filters=[_token])


class ReasonForm(FlaskForm):
    """Hide a comment or reject an issue: the reason is required and stays visible."""
    reason = StringField(_l("原因"), filters=[_strip], validators=[
        DataRequired(_l("请写明原因")), Length(max=REASON_MAX, message=_l("原因最多200个字"))],
        render_kw={"maxlength": REASON_MAX})


class WithdrawForm(FlaskForm):
    reason = StringField(_l("撤回原因（可不填）"), filters=[_strip], validators=[
        Length(max=REASON_MAX, message=_l("原因最多200个字"))], render_kw={"maxlength": REASON_MAX})


class TriageForm(FlaskForm):
    category = RadioField(_l("分类"), validate_choice=False,
                          choices=choices(CATEGORY_LABELS.items()),
                          validators=[one_of_choices(_l("请选择大事、小事或微事"))])
    responsible = StringField(_l("牵头协商的组织（可不填）"), filters=[_strip], validators=[
        Length(max=RESPONSIBLE_MAX, message=_l("最多60个字"))],
        render_kw={"maxlength": RESPONSIBLE_MAX})
    due_on = DateField(_l("办理期限（可不填）"), validators=[Optional()])
    reason = StringField(_l("理由（大事必填，会告诉提出人）"), filters=[_strip], validators=[
        Length(max=REASON_MAX, message=_l("理由最多200个字"))], render_kw={"maxlength": REASON_MAX})

    def validate_reason(self, field):
        if self.category.data == "big" and not field.data:
            raise ValidationError(_l("转交街道/乡镇的大事要写明理由"))


class MergeForm(FlaskForm):
    into = IntegerField(_l("合并到议题编号"), validators=[
        DataRequired(_l("请填写要合并到的议题编号")), NumberRange(min=1)],
        render_kw={"inputmode": "numeric"})
    reason = StringField(_l("说明（可不填）"), filters=[_strip], validators=[
        Length(max=REASON_MAX, message=_l("最多200个字"))], render_kw={"maxlength": REASON_MAX})


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(_l("搜索标题和内容"), filters=[_strip], validators=[Length(max=40)],
                    render_kw={"maxlength": 40})
    unit = SelectField(_l("地方"), coerce=int_or_none, validate_choice=False)
    status = SelectField(_l("状态"), validate_choice=False,
                         choices=choices([("", _l("全部")), *STATUS_LABELS.items()]))
    category = SelectField(_l("分类"), validate_choice=False,
                           choices=choices([("", _l("全部")), *CATEGORY_LABELS.items()]))
    sort = SelectField(_l("排序"), validate_choice=False,
                       choices=choices([("new", _l("最新")), ("support", _l("附议最多"))]))
    mine = BooleanField(_l("只看我提的"))
