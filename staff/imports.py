"""Reading an employee list from an Excel (.xlsx) or CSV file into plain rows.

The first row names the columns, in Chinese or English; the services validate the values.
"""

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from daodao.dates import PAST_EVENT
from daodao.excel import read_raw_table

from .services import ImportRefused, RowError

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
    """[(row number, {field: value})], skipping empty rows; read by daodao.excel (streaming,
    row limit, UTF-8 or GB18030). Row numbers are as a spreadsheet shows them."""
    table = read_raw_table(upload, max_rows=MAX_ROWS)
    if not table:
        raise ValidationError(_("The file is empty."))
    mapping = _header_map(table[0][1])
    rows = []
    errors = []
    for number, values in table[1:]:
        row = {field: _cell(values[i]) if i < len(values) else "" for i, field in mapping.items()}
        if any(v not in ("", None) for v in row.values()):
            rows.append((number, row))
            if problems := _row_problems(row):
                errors.append(RowError(number, problems))
    if errors:
        raise ImportRefused(errors)
    return rows


def _row_problems(row: dict[str, Any]) -> list[str]:
    """What the columns cannot hold, checked before any row reaches the database."""
    problems = [
        _("%(column)s: at most %(n)d characters.") % {"column": label, "n": limit}
        for field, label, limit in (("name", _("Full name"), 50), ("position", _("Position"), 50),
                                    ("phone", _("Mobile phone"), 20), ("id_number", _("ID number"), 18))
        if len(str(row.get(field) or "")) > limit
    ]
    hired_on = row.get("hired_on")
    if isinstance(hired_on, str) and hired_on:
        try:
            hired_on = date.fromisoformat(hired_on.replace("/", "-"))
        except ValueError:
            hired_on = None  # the service reports the format
    if isinstance(hired_on, date):
        try:
            PAST_EVENT(hired_on)
        except ValidationError as exc:
            problems.extend(f"{_('Hired on')}: {m}" for m in exc.messages)
    return problems
