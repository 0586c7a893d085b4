"""Forms about residents for staff: search and PIN reset."""

from flask_wtf import FlaskForm
from wtforms import SearchField, SubmitField
from wtforms.validators import DataRequired, Length

from ..i18n import lazy_gettext as _l


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField(_l("姓名、手机号、居民码或门牌"), validators=[
        DataRequired(_l("请输入要找的内容")), Length(max=40, message=_l("最多40个字"))],
        render_kw={"maxlength": 40})
    submit = SubmitField(_l("查找"))


class ResetPinForm(FlaskForm):
    submit = SubmitField(_l("重设密码并打印新凭条"))
