"""Numbers read from query strings and form fields.

``str.isdigit()`` is true for '²' and '٣', and ``int()`` accepts '٣' and ' 7 ' but fails on
'²': a filter written as ``if v.isdigit(): int(v)`` answers a superscript with a 500. Every
id, year or month that arrives as text goes through these functions instead: ASCII digits
only, within the range the database column holds, else ``None``.
"""

import re
from datetime import date

BIGINT_MAX = 2**63 - 1


def parse_int(value: object, *, lo: int = 0, hi: int = BIGINT_MAX) -> int | None:
    """``value`` as an int when it is a string of ASCII digits within ``lo..hi``, else None."""
    if not isinstance(value, str) or not value or len(value) > 19:
        return None
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if lo <= number <= hi else None


def parse_id(value: object) -> int | None:
    """A primary key from a query or form value: a positive bigint, else None."""
    return parse_int(value, lo=1)


# Calendar pages and date filters accept years a person could mean; year 0 or 10000 is
# a typo or a probe, and ``date()`` cannot build the month before year 1 or after 9999.
YEAR_MIN = 2000
YEAR_MAX = 2100


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def parse_day(value: object) -> date | None:
    """A day from a query value written YYYY-MM-DD (ASCII digits, a real date between
    YEAR_MIN and YEAR_MAX), else None."""
    match = _ISO_DAY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    y, m, d = (int(g) for g in match.groups())
    if not YEAR_MIN <= y <= YEAR_MAX:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None


_ISO_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)


def parse_month(value: object) -> date | None:
    """The first day of a month written YYYY-MM (ASCII digits, YEAR_MIN..YEAR_MAX), else None."""
    match = _ISO_MONTH.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    y, m = int(match[1]), int(match[2])
    return date(y, m, 1) if YEAR_MIN <= y <= YEAR_MAX and 1 <= m <= 12 else None
