"""Excel exports and the one reader of uploaded tables (.xlsx or .csv).

Every export of personal or registry data is audited by its caller.
"""

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell whose text begins with one of these is a formula to Excel, or becomes one when
# the sheet is saved as CSV and opened again (formula injection through a name a venue
# typed). Such values are written as text cells marked with Excel's quote prefix.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def xlsx_response(filename: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    widths = [max(8, len(str(h)) * 2) for h in headers]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.append([_text_cell(ws, str(h)) for h in headers])
    for row in rows:
        ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in map(_cell, row)])
    response = HttpResponse(content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{filename}-{stamp}.xlsx"'
    wb.save(response)
    return response


def _text_cell(ws: Any, value: str) -> Any:
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _cell(value: Any) -> Any:
    if hasattr(value, "tzinfo") and getattr(value, "tzinfo", None) is not None:
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    return value if isinstance(value, int | float | str) or hasattr(value, "isoformat") else str(value)


# --- Imports -------------------------------------------------------------------

MAX_IMPORT_ROWS = 5000
MAX_IMPORT_COLUMNS = 30
MAX_IMPORT_BYTES = 10 * 1024 * 1024  # 5,000 rows of a dozen columns fit in well under 1 MB
# An .xlsx is a zip: a small upload can unpack to gigabytes (a zip bomb, or a million rows).
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312


def read_raw_table(upload: Any, *, max_rows: int = MAX_IMPORT_ROWS) -> list[tuple[int, list[Any]]]:
    """The rows of an uploaded .xlsx or .csv file as (row number from 1, values), the header
    row first, empty rows left out.

    Reads in streaming mode and stops as soon as the file holds more than ``max_rows`` data
    rows, so a file of a million rows costs no more than one of ``max_rows``. CSV files may be
    UTF-8 (with or without BOM) or GB18030/GBK, as Excel saves them on Chinese Windows. NUL
    characters are removed from every cell (PostgreSQL cannot store them).
    """
    name = (getattr(upload, "name", "") or "").lower()
    if (getattr(upload, "size", 0) or 0) > MAX_IMPORT_BYTES:
        raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)})
    rows: Iterator[Sequence[Any]]
    if name.endswith(".csv"):
        rows = _csv_rows(upload.read())
    elif name.endswith(".xlsx"):
        rows = _xlsx_rows(upload)
    else:
        raise ValidationError(_("Upload an Excel (.xlsx) or CSV file."))
    table: list[tuple[int, list[Any]]] = []
    too_many = ValidationError(_("At most %(n)d rows per file.") % {"n": max_rows})
    try:
        for scanned, row in enumerate(rows):
            if scanned > 2 * max_rows + 1000:  # mostly empty rows: still a file nobody means to import
                raise too_many
            values = [v.replace("\x00", "") if isinstance(v, str) else v for v in row[:MAX_IMPORT_COLUMNS]]
            if not any(v not in (None, "") for v in values):
                continue
            if len(table) > max_rows:
                raise too_many
            table.append((scanned + 1, values))
    except ValidationError:
        raise
    except csv.Error as exc:
        raise ValidationError(_("The CSV file could not be read: %(error)s") % {"error": exc}) from exc
    except Exception as exc:  # openpyxl reads lazily: a broken sheet fails while iterating
        raise ValidationError(_("The file is not a readable Excel workbook.")) from exc
    return table


def _csv_rows(raw: bytes) -> Iterator[list[str]]:
    for encoding in CSV_ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ValidationError(_("This CSV file is neither UTF-8 nor GB18030 (GBK) encoded."))
    return csv.reader(io.StringIO(text, newline=""))


def _xlsx_rows(upload: Any) -> Iterator[tuple[Any, ...]]:
    try:
        with zipfile.ZipFile(upload) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        upload.seek(0)
        if unpacked > MAX_XLSX_UNPACKED_BYTES:
            raise ValidationError(_("At most %(n)d rows per file.") % {"n": MAX_IMPORT_ROWS})
        ws = load_workbook(upload, read_only=True, data_only=True).active
        return ws.iter_rows(values_only=True, max_col=MAX_IMPORT_COLUMNS)
    except ValidationError:
        raise
    except Exception as exc:  # zipfile and openpyxl raise many kinds on a broken file
        raise ValidationError(_("The file is not a readable Excel workbook.")) from exc


def read_table(upload: Any) -> list[dict[str, str]]:
    """Rows of an uploaded .xlsx or .csv file as dicts keyed by the (lower-cased) header row."""
    raw = read_raw_table(upload)
    if not raw:
        return []
    header = [str(h or "").strip().lower() for h in raw[0][1]]
    return [
        {header[i]: ("" if v is None else str(v).strip()) for i, v in enumerate(row) if i < len(header) and header[i]}
        for _number, row in raw[1:]
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


# Excel's limit is 1,048,576 rows a sheet; a longer list continues on a sheet of its own
# (title and header repeated), so a province-wide export is still one file.
MAX_SHEET_ROWS = 1_000_000


def xlsx_write(target: Any, sheets: Sequence[Sheet]) -> None:
    """Write a workbook to ``target`` (a response or a file) row by row (openpyxl
    write-only: memory stays flat however many rows), each sheet with a bold title row, a
    frozen header, an autofilter over the header and the rows, and column widths wide
    enough for Chinese headers. Dates stay real dates and numbers real numbers, so the file
    sorts and sums in Excel."""

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")

    def start(sheet: Sheet, part: int) -> Any:
        name = sheet.name[:31] if part == 1 else f"{sheet.name[:26]} ({part})"
        ws = wb.create_sheet(title=name)
        for i, h in enumerate(sheet.headers, start=1):
            width = sheet.widths[i - 1] if i <= len(sheet.widths) else max(10, len(str(h)) * 2 + 4)
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A3"
        title = WriteOnlyCell(ws, value=sheet.title)
        title.data_type = "s"  # a title naming a venue typed as "=…" is text, never a formula
        title.font = Font(bold=True, size=12)
        ws.append([title])
        header_cells = []
        for h in sheet.headers:
            c = WriteOnlyCell(ws, value=str(h))
            c.data_type = "s"
            c.font, c.fill, c.alignment = bold, fill, Alignment(vertical="center")
            header_cells.append(c)
        ws.append(header_cells)
        return ws

    for sheet in sheets:
        n_cols = max(len(sheet.headers), 1)
        part = 1
        ws, last = start(sheet, part), 2
        for row in sheet.rows:
            if last - 2 >= MAX_SHEET_ROWS:
                ws.auto_filter.ref = f"A2:{get_column_letter(n_cols)}{last}"
                part += 1
                ws, last = start(sheet, part), 2
            ws.append([_text_cell(ws, v) if isinstance(v, str) else v for v in map(_cell, row)])
            last += 1
        ws.auto_filter.ref = f"A2:{get_column_letter(n_cols)}{last}"
    wb.save(target)


def xlsx_filename(filename: str) -> str:
    return f"{filename}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def xlsx_sheets_response(filename: str, sheets: Sequence[Sheet]) -> HttpResponse:
    """The workbook of ``xlsx_write`` as a download."""
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{xlsx_filename(filename)}"'
    xlsx_write(response, sheets)
    return response


def export_title(*, what: str, user: Any, filters: Iterable[tuple[Any, Any]] = ()) -> str:
    """The first row of a list export: what, whose area, which filters, when and by whom."""

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
