"""Check each roster row on its own: every field, with the reason in plain Chinese."""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..errors.domain import DomainError
from ..i18n import gettext as _
from ..residents.pins import WEAK_PINS
from .parse import RawRow

MAX_AREA = Decimal("10000")
CENT = Decimal("0.01")
OWNER_VALUES = {"1": True, "是": True, "0": False, "否": False}  # i18n: data (what is typed)
_SLASHES = str.maketrans({"／": "/", "\\": "/"})
_PHONE_JUNK = str.maketrans("", "", " -")


@dataclass
class RowError:
    row: int  # as Excel numbers it; 0 means the file as a whole
    reason: str


class RosterInvalid(DomainError):
    """The file has bad rows; nothing was saved. `errors` lists every one, by row."""

    def __init__(self, errors: list[RowError]):
        super().__init__(_("名册里有 %(n)d 处错误，没有导入任何内容。", n=len(errors)))
        self.errors = sorted(errors, key=lambda e: e.row)


@dataclass
class RosterRow:
    number: int
    path: tuple[str, ...]  # 街道, 社区, 小区, 楼栋
    address: str
    area: Decimal | None  # None: not given (allowed for non-owners)
    name: str
    phone: str | None
    code: str
    birth_year: int | None
    owner: bool
    pin: str | None  # None: generate one

    @property
    def household_key(self) -> tuple:
        return (self.path, self.address)


def check_rows(raw_rows: list[RawRow], this_year: int) -> tuple[list[RosterRow], list[RowError]]:
    """Rows whose every field is valid, and an error for each bad field of the others."""
    good, errors = [], []
    for raw in raw_rows:
        row, reasons = check_row(raw, this_year)
        errors += [RowError(raw.number, r) for r in reasons]
        if row is not None:
            good.append(row)
    return good, errors


def check_row(raw: RawRow, this_year: int) -> tuple[RosterRow | None, list[str]]:
    """One row as typed values, or None with the reasons it is wrong."""
    v, reasons = raw.values, []

    def take(check, *args):
        value, reason = check(*args)
        if reason:
            reasons.append(reason)
        return value

    path = take(_unit_path, v["unit_path"])
    address = take(_address, v["address"])
    owner = take(_owner, _narrow(v["owner"]))
    area = take(_area, _narrow(v["area_m2"]), owner)
    name = take(_name, v["name"])
    phone = take(_phone, _narrow(v["phone"]))
    code = take(_code, _narrow(v["resident_code"]))
    birth_year = take(_birth_year, _narrow(v["birth_year"]), this_year)
    pin = take(_pin, _narrow(v.get("pin", "")))
    if reasons:
        return None, reasons
    return RosterRow(raw.number, path, address, area, name, phone, code, birth_year, owner,
                     pin), []


def _narrow(text: str) -> str:
    """Full-width digits and signs typed with a Chinese input method, as ASCII: １２３ → 123."""
    return unicodedata.normalize("NFKC", text).strip()


def _unit_path(text: str):
    if not text:
        return None, _("请填写单位：街道/社区/小区/楼栋")
    parts = tuple(p.strip() for p in text.translate(_SLASHES).split("/"))
    if len(parts) != 4 or not all(parts):
        return None, _("单位要写4级，用“/”隔开：街道/社区/小区/楼栋（这里是“%(text)s”）",
                       text=text)
    if any(len(p) > 60 for p in parts):
        return None, _("单位名称每级最多60个字")
    return parts, None


def _address(text: str):
    if not text:
        return None, _("请填写门牌，如 1单元101")
    if len(text) > 40:
        return None, _("门牌最多40个字")
    return text, None


def _owner(text: str):
    if text not in OWNER_VALUES:
        return None, _("是否业主请填 1 或 0（也可填“是”或“否”）")
    return OWNER_VALUES[text], None


def _area(text: str, owner: bool | None):
    if not text:
        return None, (_("业主所在的户请填写面积") if owner else None)
    try:
        area = Decimal(text.replace(",", ""))
    except InvalidOperation:
        area = None
    if area is None or not area.is_finite():
        return None, _("面积应是数字，如 89.50")
    if area < 0:
        return None, _("面积不能是负数")
    if area > MAX_AREA:
        return None, _("面积不能超过10000平方米")
    if area != area.quantize(CENT):
        return None, _("面积最多保留两位小数")
    if area == 0 and owner:
        return None, _("业主所在的户面积不能为0")
    return area.quantize(CENT), None


def _name(text: str):
    if not text:
        return None, _("请填写姓名")
    if len(text) > 40:
        return None, _("姓名最多40个字")
    return text, None


def _phone(text: str):
    phone = text.translate(_PHONE_JUNK)
    if not phone:
        return None, None  # many elderly residents have no phone
    if "E+" in phone.upper():
        return None, _("手机号被 Excel 显示成了科学计数法，请把这一列设为“文本”后重新填写")
    if not re.fullmatch(r"1[0-9]{10}", phone):
        return None, _("手机号应是1开头的11位数字")
    return phone, None


def _code(text: str):
    if not text:
        return None, _("请填写8位居民码")
    if not re.fullmatch(r"[0-9]{8}", text):
        return None, _("居民码应是8位数字（Excel里请把这一列设为“文本”，以免丢掉开头的0）")
    return text, None


def _birth_year(text: str, this_year: int):
    if not text:
        return None, None
    if not re.fullmatch(r"[0-9]{4}", text) or not 1900 < int(text) <= this_year:
        return None, _("出生年份应是1901到%(year)d之间的4位数字", year=this_year)
    return int(text), None


def _pin(text: str):
    if not text:
        return None, None
    if not re.fullmatch(r"[0-9]{6}", text):
        return None, _("密码应是6位数字，或留空由系统生成（Excel里请把这一列设为“文本”）")
    if text in WEAK_PINS:
        return None, _("密码太简单（如123456、111111），请换一个或留空由系统生成")
    return text, None
