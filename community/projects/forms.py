"""Forms for projects, the ledger and funds. Amounts and dates are checked beside the field."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from ..formkit import AmountField, DayField, choices, new_token
from ..i18n import lazy_gettext as _l
from .models import (
    FUND_LABELS,
    KIND_LABELS,
    MONEY_MAX,
    MOVEMENT_LABELS,
    NAME_MAX,
    SOURCE_LABELS,
    TASK_LABELS,
    TEXT_MAX,
    TITLE_MAX,
)


class ProjectForm(FlaskForm):
    title = StringField(_l("项目名称"), validators=[DataRequired(_l("请填写项目名称")),
                        Length(max=TITLE_MAX)], render_kw={"maxlength": TITLE_MAX})
    unit_id = SelectField(_l("在哪里办"), coerce=int)
    issue_id = SelectField(_l("来自哪个议题"), coerce=int)
    responsible = StringField(_l("责任方"), validators=[DataRequired(_l("请填写谁来负责")),
                              Length(max=NAME_MAX)], render_kw={"maxlength": NAME_MAX})
    starts_on = DayField(_l("开工日期"), validators=[DataRequired(_l("请填写开工日期"))])
    due_on = DayField(_l("计划完工日期"), validators=[Optional()])
    description = TextAreaField(_l("要做什么"), validators=[Length(max=2000)],
                                render_kw={"maxlength": 2000})
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("建立项目"))

    def validate_due_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("完工日期不能早于开工日期"))


class TaskForm(FlaskForm):
    title = StringField(_l("任务"), validators=[DataRequired(_l("请填写任务")),
                        Length(max=TITLE_MAX)], render_kw={"maxlength": TITLE_MAX})
    starts_on = DayField(_l("开始日期"), validators=[Optional()])
    due_on = DayField(_l("完成期限"), validators=[Optional()])
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("添加任务"))

    def validate_due_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("完成期限不能早于开始日期"))


class TaskStatusForm(FlaskForm):
    status = SelectField(_l("任务状态"), choices=choices(TASK_LABELS.items()))
    submit = SubmitField(_l("更新"))


class UpdateForm(FlaskForm):
    text = TextAreaField(_l("进展情况"), validators=[DataRequired(_l("请写一写进展")),
                         Length(max=TEXT_MAX)], render_kw={"maxlength": TEXT_MAX})
    photo = FileField(_l("照片（可不传）"), render_kw={"accept": "image/jpeg,image/png"})
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("发布进展"))


class ContributionForm(FlaskForm):
    kind = RadioField(_l("类型"), choices=choices(KIND_LABELS.items()), default="money")
    amount = AmountField(_l("金额（元）"), maximum=MONEY_MAX)
    hours = AmountField(_l("工时（小时）"), places=1, maximum=100000)
    material = StringField(_l("物资名称"), validators=[Length(max=40)],
                           render_kw={"maxlength": 40})
    quantity = AmountField(_l("数量"), maximum=1000000)
    unit_label = StringField(_l("单位（台、本、袋…）"), validators=[Length(max=8)],
                             render_kw={"maxlength": 8})
    source = RadioField(_l("来自"), choices=choices(SOURCE_LABELS.items()), default="resident")
    who = StringField(_l("居民的手机号或居民码，或单位名称"), validators=[Length(max=NAME_MAX)],
                      render_kw={"maxlength": NAME_MAX})
    consent = BooleanField(_l("本人同意在公开栏显示姓名或名称"))
    received_on = DayField(_l("日期"), validators=[DataRequired(_l("请填写日期"))],
                           future_days=0)
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("登记"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        need = {"money": self.amount, "labour": self.hours, "material": self.quantity}
        field = need.get(self.kind.data)
        if field is not None and not field.errors and field.decimal is None:
            field.errors.append(_l("请填写这一项"))
        if self.kind.data == "material" and not (self.material.data or "").strip():
            self.material.errors.append(_l("请填写物资名称"))
        if self.source.data != "anonymous" and not (self.who.data or "").strip():
            self.who.errors.append(_l("请填写是谁（或选“匿名”）"))
        return ok and not any(f.errors for f in self)


class FundForm(FlaskForm):
    unit_id = SelectField(_l("社区或村"), coerce=int)
    kind = SelectField(_l("资金"), choices=choices(FUND_LABELS.items()))
    year = IntegerField(_l("年度"), validators=[DataRequired(_l("请填写年度")),
                        NumberRange(2000, 2100, _l("年度不合理"))],
                        render_kw={"inputmode": "numeric"})
    submit = SubmitField(_l("建立资金账目"))


class PolicyForm(FlaskForm):
    amount = AmountField(_l("每年惠民资金（元）"), maximum=MONEY_MAX,
                         validators=[DataRequired(_l("请填写金额"))])
    submit = SubmitField(_l("保存"))


class MovementForm(FlaskForm):
    kind = SelectField(_l("类型"), choices=choices(MOVEMENT_LABELS.items()))
    amount = AmountField(_l("金额（元）"), maximum=MONEY_MAX,
                         validators=[DataRequired(_l("请填写金额"))])
    project_id = SelectField(_l("项目"), coerce=int)
    voucher = StringField(_l("凭证号"), validators=[Length(max=30)], render_kw={"maxlength": 30})
    note = StringField(_l("摘要"), validators=[Length(max=100)], render_kw={"maxlength": 100})
    occurred_on = DayField(_l("日期"), validators=[DataRequired(_l("请填写日期"))],
                           future_days=0)
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("登记"))

    def validate(self, extra_validators=None):
        ok = super().validate(extra_validators)
        if self.kind.data == "allocation" and not self.project_id.data:
            self.project_id.errors.append(_l("拨付要选一个项目"))
        if self.kind.data == "spending" and not (self.voucher.data or "").strip():
            self.voucher.errors.append(_l("支出要填写凭证号"))
        if self.kind.data == "income" and self.project_id.data:
            self.project_id.errors.append(_l("收入不属于某个项目，请选“不属于项目”"))
        return ok and not any(f.errors for f in self)
