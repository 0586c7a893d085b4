"""Forms a worker fills to manage a person: a role, a move, a change of owner, a death."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ..formkit import AmountField, DayField, one_of, strip
from ..i18n import lazy_gettext as _l
from .models import ROLE_LABELS
from .people import APPOINTABLE

ROLE_CHOICES = [SelectChoice(r, ROLE_LABELS[r]) for r in APPOINTABLE]


class RoleForm(FlaskForm):
    role = SelectField(_l("任命为"), choices=ROLE_CHOICES, validate_choice=False,
                       validators=[one_of(_l("请选择要任命的身份"))])
    unit_id = SelectField(_l("在哪里"), coerce=int, validate_choice=False,
                          validators=[one_of(_l("请选择您负责范围内的社区、小区或楼栋"))])


class MoveForm(FlaskForm):
    household_id = SelectField(_l("从哪一户搬走"), coerce=int, validate_choice=False)
    where = RadioField(_l("搬到哪里"), choices=[
        SelectChoice("inside", _l("本辖区内的另一户")), SelectChoice("away", _l("搬离本辖区"))],
        default="inside", validators=[InputRequired(_l("请选择搬到哪里"))])
    building_id = SelectField(_l("新住址所在的楼栋"), coerce=int, validate_choice=False,
                              validators=[Optional()])
    address = StringField(_l("新住址门牌（如 2单元501）"), filters=[strip],
                          validators=[Length(max=40, message=_l("最多40个字"))],
                          render_kw={"maxlength": 40})


class OwnerForm(FlaskForm):
    building_id = SelectField(_l("房屋所在的楼栋"), coerce=int, validate_choice=False,
                              validators=[one_of(_l("请选择您负责范围内的楼栋"))])
    address = StringField(_l("房屋门牌（如 2单元501）"), filters=[strip], validators=[
        DataRequired(_l("请填写门牌")), Length(max=40, message=_l("最多40个字"))],
        render_kw={"maxlength": 40})
    # Typed as text and kept exact (Decimal, never float): owners' votes weigh this area.
    area_m2 = AmountField(_l("专有部分面积（平方米）"), maximum="99999.99", validators=[
        DataRequired(_l("请填写面积，例如 89.50"))])
    keep_others = BooleanField(_l("原来的业主仍是共有人"))


class DeathForm(FlaskForm):
    died_on = DayField(_l("去世日期（如 2026-05-01）"), future_days=0,
                       validators=[DataRequired(_l("请填写去世日期"))])
