"""Excel exports. Every export of personal or registry data is audited by its caller."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    widths = [max(8, len(str(h)) * 2) for h in headers]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append([str(h) for h in headers])
    for row in rows:
        ws.append([_cell(v) for v in row])
    response = HttpResponse(content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    wb.save(response)
    return response


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    return value if isinstance(value, int | float | str) or hasattr(value, "isoformat") else str(value)


MAX_IMPORT_ROWS = 5000


def read_table(upload: Any) -> list[dict[str, str]]:
    """Rows of an uploaded .xlsx or .csv file as dicts keyed by the (lower-cased) header row."""
    import csv
    import io

    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _
    from openpyxl import load_workbook

    name = getattr(upload, "name", "").lower()
    if name.endswith(".csv"):
        text = upload.read().decode("utf-8-sig", errors="replace")
        raw = list(csv.reader(io.StringIO(text)))
    elif name.endswith(".xlsx"):
        try:
            ws = load_workbook(upload, read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds on a broken file
            raise ValidationError(_("The file is not a readable Excel workbook.")) from exc
        raw = [list(r) for r in ws.iter_rows(values_only=True)]
    else:
        raise ValidationError(_("Upload an Excel (.xlsx) or CSV file."))
    if len(raw) > MAX_IMPORT_ROWS + 1:
        raise ValidationError(_("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})
    if not raw:
        return []
    header = [str(h or "").strip().lower() for h in raw[0]]
    return [
        {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(row) if i < len(header) and header[i]}
        for row in raw[1:] if any(v not in (None, "") for v in row)
    ]


@dataclass(frozen=True)
class Sheet:
    """One worksheet of a report or list export: a title row that says what the file holds
    (area, filters, time of export), a frozen header row with an autofilter, then the rows."""

    name: str
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Any]]
    widths: Sequence[int] = ()


def xlsx_sheets_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """A workbook written row by row (openpyxl write-only: memory stays flat however many
    rows), each sheet with a bold title row, a frozen header, an autofilter over the header
    and the rows, and column widths wide enough for Chinese headers. Dates stay real dates and
    numbers real numbers, so the file sorts and sums in Excel."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.name[:31])
        n_cols = max(len(sheet.headers), 1)
        for i, h in enumerate(sheet.headers, start=1):
            width = sheet.widths[i - 1] if i <= len(sheet.widths) else max(10, len(str(h)) * 2 + 4)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"
        title = WriteOnlyCell(ws, value=sheet.title)
        title.font = Font(bold=True, size=12)
        ws.append([title])
        header_cells = []
        for h in sheet.headers:
            c = WriteOnlyCell(ws, value=str(h))
            c.font, c.fill, c.alignment = bold, fill, Alignment(vertical="center")
            header_cells.append(c)
        ws.append(header_cells)
        last = 2
        for row in sheet.rows:
            ws.append([_cell(v) for v in row])
            last += 1
        ws.auto_filter.ref = f"A2:{get_column_letter(n_cols)}{last}"
    response = HttpResponse(content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    wb.save(response)
    return response


def export_title(*, what: str, user: Any, filters: Iterable[tuple[Any, Any]] = ()) -> str:
    """The first row of a list export: what, whose area, which filters, when and by whom."""
    from django.utils.translation import gettext as _

    area = user.jurisdiction.name if getattr(user, "jurisdiction_id", None) else _("All areas")
    parts = [f"{area} · {what}"]
    shown = [f"{label}: {value}" for label, value in filters if value not in (None, "")]
    parts.append(_("Filters: %(f)s") % {"f": "; ".join(shown)} if shown else _("No filters"))
    parts.append(_("Exported %(at)s by %(who)s") % {
        "at": f"{timezone.localtime():%Y-%m-%d %H:%M}", "who": user.get_full_name() or user.get_username()})
    return " · ".join(parts)


def filterset_summary(filterset: Any) -> list[tuple[Any, Any]]:
    """(label, shown value) of each filter a django-filter form applied, for ``export_title``."""
    form = filterset.form
    if not form.is_valid():
        return []
    out = []
    for name, field in form.fields.items():
        value = form.cleaned_data.get(name)
        if value in (None, "", []):
            continue
        if hasattr(field, "queryset"):  # a model choice: the object's own name, no extra query
            out.append((field.label, str(value)))
            continue
        choices = {str(k): v for k, v in (getattr(field, "choices", []) or [])}
        out.append((field.label, choices.get(str(value), value)))
    return out
