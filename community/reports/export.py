"""Write a report as an XLSX workbook (one sheet per area) or one CSV (sheet name first)."""

import csv
import io
from datetime import date
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..i18n import gettext as _
from .service import Report


def to_xlsx(report: Report) -> bytes:
    """The workbook: a cover sheet, then one sheet per area with a bold header row."""
    wb = Workbook()
    cover = wb.active
    cover.title = _("说明")
    cover.append([_("单位"), report.unit.name])
    cover.append([_("起始日期"), report.start])
    cover.append([_("截止日期"), report.end])
    cover.append([_("说明"), _("金额单位为元，精确到分；满意率 = (满意+基本满意) ÷ 全部评价")])
    for sheet in report.sheets:
        ws = wb.create_sheet(sheet.title)
        ws.append(sheet.header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if cell.data_type == "f":
                    cell.data_type = "s"  # text typed by residents, never a formula
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00" if cell.value.as_tuple().exponent == -2 \
                        else "0.0"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def to_csv(report: Report) -> bytes:
    """One CSV (UTF-8 with BOM so spreadsheet programs read the Chinese): 表, then columns."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("表"), _("单位"), report.unit.name, _("期间"), report.start,
                     report.end])
    for sheet in report.sheets:
        writer.writerow([sheet.title, *sheet.header])
        for row in sheet.rows:
            writer.writerow([sheet.title, *["" if v is None else _text(v) for v in row]])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _cell(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters break the workbook
    return value if value is not None else ""


def _text(value) -> str:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value  # a spreadsheet would run it as a formula (CSV injection)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def filename(report: Report, fmt: str) -> str:
    return f"report-{report.unit.id}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{fmt}"
