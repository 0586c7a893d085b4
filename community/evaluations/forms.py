"""Forms to open an evaluation and to answer it."""

from datetime import datetime, timedelta
from fractions import Fraction

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from .. import clock
from ..formkit import DayField, choices, new_token
from ..i18n import lazy_gettext as _l
from .models import CHOICE_LABELS, COMMENT_MAX


class OpenForm(FlaskForm):
    closes_on = DayField(_l("截止日期"), validators=[DataRequired(_l("请填写截止日期"))],
                         future_days=366)
    threshold = StringField(_l("不满意达到多少就整改"), default="1/3",
                            validators=[DataRequired(_l("请填写比例，例如 1/3"))],
                            render_kw={"maxlength": 9})
    by_household = BooleanField(_l("按户评价（每户一份）"))
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("发起评价"))

    def validate_threshold(self, field):
        try:
            value = Fraction(field.data.strip().replace("／", "/"))
        except (ValueError, ZeroDivisionError):
            raise ValidationError(_l("请写成分数，例如 1/3")) from None
        if not 0 < value <= 1:
            raise ValidationError(_l("要大于0、不超过1"))
        self.fraction = value

    @property
    def closes_at(self) -> datetime:
        """The end of the chosen day in 宜昌 time, as naive UTC."""
        return clock.to_utc(self.closes_on.data + timedelta(days=1))


class AnswerForm(FlaskForm):
    choice = RadioField(_l("您对这个项目满意吗"), choices=choices(CHOICE_LABELS.items()),
                        validators=[InputRequired(_l("请选一项"))])
    comment = TextAreaField(_l("意见（可不填）"), validators=[Length(max=COMMENT_MAX)],
                            render_kw={"maxlength": COMMENT_MAX})
    confirmed = SubmitField(_l("确认提交"))
    submit = SubmitField(_l("下一步"))
