"""Forms of the notice board: an objection, and the unit's display settings."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..formkit import new_token
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from .models import OBJECTION_MAX, SECTION_LABELS


class ObjectionForm(FlaskForm):
    text = TextAreaField(_l("您的异议"), validators=[DataRequired(_l("请写明异议的内容")),
                         Length(max=OBJECTION_MAX)], render_kw={"maxlength": OBJECTION_MAX})
    submit_token = HiddenField(default=new_token)
    submit = SubmitField(_l("提交异议"))


def settings_form(values: dict[str, tuple[int, int]]):
    """A form with the display and objection days of every section, filled with values."""
    class SettingsForm(FlaskForm):
        submit = SubmitField(_l("保存"))

    for key, label in SECTION_LABELS.items():
        setattr(SettingsForm, f"{key}_display", IntegerField(
            _("%(section)s：公示天数", section=label), default=values[key][0],
            render_kw={"inputmode": "numeric"},
            validators=[InputRequired(_l("请填写天数")), NumberRange(1, 366, _l("1到366天"))]))
        setattr(SettingsForm, f"{key}_objection", IntegerField(
            _("%(section)s：异议期天数（0为不设）", section=label), default=values[key][1],
            render_kw={"inputmode": "numeric"},
            validators=[InputRequired(_l("请填写天数")), NumberRange(0, 366, _l("0到366天"))]))
    return SettingsForm()
