"""Read a roster file (CSV in UTF-8 or GBK, or XLSX) into rows of text, numbered as in Excel."""

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from ..errors.domain import DomainError
from ..i18n import gettext as _

COLUMNS = ("unit_path", "address", "area_m2", "name", "phone", "resident_code", "birth_year",
           "owner", "pin")
REQUIRED = COLUMNS[:-1]  # without a pin column every PIN is generated
MAX_ROWS = 20000
MAX_COLUMNS = 60
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"


class RosterFileError(DomainError):
    """The file as a whole cannot be read (wrong type, encoding, or missing columns)."""


@dataclass
class RawRow:
    number: int  # the row number Excel shows: the header is row 1
    values: dict[str, str]


def read_roster(filename: str, data: bytes) -> list[RawRow]:
    """Read the file's rows as stripped text by column name; blank rows are skipped."""
    name = (filename or "").lower()
    if data.startswith(_XLS_MAGIC) or name.endswith(".xls"):
        raise RosterFileError(_("这是旧版 .xls 文件，请在 Excel 里“另存为” .xlsx 或 CSV 再导入。"))
    if data.startswith(_XLSX_MAGIC) or name.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif name.endswith(".csv") or not name:
        table = _csv_rows(data)
    else:
        raise RosterFileError(_("只能导入 CSV 或 XLSX 文件。"))
    return _to_rows(table)


def cell_text(value) -> str:
    """One cell as text: 1950.0 → "1950", 13800000001 → "13800000001", None → ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return str(Decimal(repr(value)))  # the shortest text that reads back as this float
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, strictly; then GB18030, a superset of GBK."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterFileError(
            _("看不懂文件的文字编码。请在 Excel 里另存为“CSV UTF-8”或 .xlsx 再导入。")) from None


def _csv_rows(data: bytes):
    text = _decode(data)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as e:
        raise RosterFileError(_("CSV 文件格式有误：%(reason)s", reason=str(e))) from None


def _xlsx_rows(data: bytes):
    with warnings.catch_warnings():
        # openpyxl warns about Excel features it skips (styles, data validation); harmless.
        warnings.simplefilter("ignore")
        from openpyxl import load_workbook
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError):
            raise RosterFileError(_("打不开这个 Excel 文件，请确认它是 .xlsx 格式。")) from None
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()  # some programs write wrong sizes; read what is there
            for values in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                yield [cell_text(v) for v in values]
        finally:
            book.close()


def _to_rows(table) -> list[RawRow]:
    """Find the header (the first non-blank row) and map each later row by column name."""
    header, rows = None, []
    for number, record in enumerate(table, start=1):
        cells = [cell_text(c) for c in record[:MAX_COLUMNS]]
        if not any(cells):
            continue
        if header is None:
            header = _columns(cells)
            continue
        if len(rows) >= MAX_ROWS:
            raise RosterFileError(_("一次最多导入 %(n)d 行，请把文件分成几份。", n=MAX_ROWS))
        rows.append(RawRow(number, {col: cells[i] if i < len(cells) else ""
                                    for col, i in header.items()}))
    if header is None:
        raise RosterFileError(_("文件是空的。"))
    if not rows:
        raise RosterFileError(_("文件里只有表头，没有居民。"))
    return rows


def _columns(cells: list[str]) -> dict[str, int]:
    """Column name → position; unknown columns are ignored, missing required ones refused."""
    found: dict[str, int] = {}
    for i, cell in enumerate(cells):
        key = cell.strip().lower()
        if key in COLUMNS:
            if key in found:
                raise RosterFileError(_("表头里 %(col)s 出现了两次。", col=key))
            found[key] = i
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise RosterFileError(_("缺少必需的列：%(cols)s。第一行应是列名：%(all)s。",
                                cols="、".join(missing), all=",".join(COLUMNS)))
    return found


def template_csv() -> bytes:
    """An empty roster with the column names, UTF-8 with a BOM so Excel opens it correctly."""
    return ("\ufeff" + ",".join(COLUMNS) + "\r\n").encode("utf-8")
