"""Reading an employee list from an Excel (.xlsx) or CSV file into plain rows.

The first row names the columns, in Chinese or English; the services validate the values.
"""

import csv
import io
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

COLUMNS = {
    "name": {"name", "姓名"},
    "id_number": {"id_number", "id number", "身份证号", "身份证号码"},
    "phone": {"phone", "mobile", "手机", "手机号", "手机号码", "电话"},
    "position": {"position", "岗位", "职位"},
    "hired_on": {"hired_on", "hired on", "入职日期"},
}
REQUIRED = ("name", "id_number", "phone")
MAX_ROWS = 2000


def _header_map(header: list[Any]) -> dict[int, str]:
    mapping = {}
    for i, cell in enumerate(header):
        label = str(cell or "").strip().lower()
        for field, names in COLUMNS.items():
            if label in names:
                mapping[i] = field
    missing = [f for f in REQUIRED if f not in mapping.values()]
    if missing:
        raise ValidationError(_("The first row must name the columns; missing: %(cols)s.")
                              % {"cols": ", ".join(missing)})
    return mapping


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value
    return "" if value is None else str(value).strip()


def read_rows(upload: Any) -> list[tuple[int, dict[str, Any]]]:
    """[(row number as the user sees it, {field: value})], skipping empty rows."""
    name = (getattr(upload, "name", "") or "").lower()
    raw = upload.read()
    if name.endswith(".xlsx"):
        try:
            ws = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).active
            table = [list(r) for r in ws.iter_rows(values_only=True)]
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ValidationError(_("This file could not be read as an Excel workbook.")) from exc
    elif name.endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ValidationError(_("This CSV file is neither UTF-8 nor GB18030 encoded."))
        table = list(csv.reader(io.StringIO(text)))
    else:
        raise ValidationError(_("Upload an .xlsx or .csv file."))
    if not table:
        raise ValidationError(_("The file is empty."))
    mapping = _header_map(table[0])
    rows = []
    for number, values in enumerate(table[1:], start=2):
        row = {field: _cell(values[i]) if i < len(values) else "" for i, field in mapping.items()}
        if any(v not in ("", None) for v in row.values()):
            rows.append((number, row))
    if len(rows) > MAX_ROWS:
        raise ValidationError(_("At most %(n)d rows per file.") % {"n": MAX_ROWS})
    return rows
