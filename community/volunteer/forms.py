"""Volunteer forms: log a visit; assign a building."""


from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..i18n import lazy_gettext as _l
from .models import NOTE_MAX

VISIT_CHOICES = [SelectChoice("visited", _l("已访：见到了人")),
                 SelectChoice("revisit", _l("需回访：还要再来")),
                 SelectChoice("todo", _l("未访：家里没人"))]


class VisitForm(FlaskForm):
    state = RadioField(_l("这次走访"), choices=VISIT_CHOICES, default="visited",
                       validators=[InputRequired(_l("请选一项"))],
                       invalid_choice_message=_l("请选一项"))
    note = TextAreaField(_l("居民反映了什么"), filters=[lambda v: v.strip() if v else v],
                         validators=[Length(max=NOTE_MAX, message=_l("最多500字"))],
                         render_kw={"maxlength": NOTE_MAX, "rows": 4})
    submit_token = HiddenField()


class AssignForm(FlaskForm):
    volunteer_id = SelectField(_l("志愿者"), coerce=int)
    building_id = SelectField(_l("楼栋"), coerce=int)
