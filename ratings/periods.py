"""Rating periods (calendar quarters) and months, as local dates."""

from datetime import date, timedelta

from django.utils.translation import gettext as _

from daodao.params import YEAR_MAX, YEAR_MIN, parse_int


def quarter_of(day: date) -> tuple[date, date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    return start, next_month(date(day.year, first_month + 2, 1)) - timedelta(days=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def month_of(day: date) -> tuple[date, date]:
    start = day.replace(day=1)
    return start, next_month(start) - timedelta(days=1)


def parse_quarter(text: str) -> tuple[date, date]:
    """'2026Q3' -> (2026-07-01, 2026-09-30)."""
    year, _sep, q = text.upper().partition("Q")
    number = parse_int(year, lo=YEAR_MIN, hi=YEAR_MAX)
    if number is None or q not in {"1", "2", "3", "4"}:
        raise ValueError(text)
    return quarter_of(date(number, 3 * int(q) - 2, 1))


def quarter_label(start: date) -> str:
    """The machine label of a quarter ('2026Q3'): command lines and file names."""
    return f"{start.year}Q{(start.month - 1) // 3 + 1}"


def quarter_display(start: date) -> str:
    """How people read a quarter: 2026年第3季度 / 2026, quarter 3."""
    return _("%(year)d, quarter %(quarter)d") % {"year": start.year, "quarter": (start.month - 1) // 3 + 1}
