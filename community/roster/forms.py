"""The roster upload form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField


class RosterForm(FlaskForm):
    file = FileField(_l("名册文件（CSV 或 Excel 的 .xlsx）"), validators=[
        FileRequired(_l("请选择要导入的名册文件")),
        FileAllowed(["csv", "xlsx"], _l("只能导入 CSV 或 .xlsx 文件")),
    ], render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("检查并导入"))
