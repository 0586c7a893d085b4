"""The roster upload form, and the confirmation under its preview."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SubmitField

from ..i18n import lazy_gettext as _l


class RosterForm(FlaskForm):
    file = FileField(_l("名册文件（CSV 或 Excel 的 .xlsx）"), validators=[
        FileRequired(_l("请选择要导入的名册文件")),
        FileAllowed(["csv", "xlsx"], _l("只能导入 CSV 或 .xlsx 文件")),
    ], render_kw={"accept": ".csv,.xlsx"})
    submit = SubmitField(_l("上传并检查"))


class ConfirmForm(FlaskForm):
    upload = HiddenField()  # the upload's one-time token
    units_seen = HiddenField()  # names the new units listed on the preview
    # Shown only when the file would create units, and then it must be ticked.
    new_units_ok = BooleanField(_l("这些新的楼栋/小区是对的，要新建"),
                                render_kw={"required": True})
    submit = SubmitField(_l("确认导入"))

    def confirmed_units(self) -> str:
        """The new units the worker confirmed: none unless the box is ticked."""
        return self.units_seen.data or "" if self.new_units_ok.data else ""
