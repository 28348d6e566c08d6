"""Importing employees from a spreadsheet: every error of every row, all rows or none."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record
from daodao.identifiers import (
    normalize_id_number,
)
from venues.models import Venue

from ..models import Employment
from .common import _check_may_write
from .employees import employee_register


@dataclass(frozen=True)
class RowError:
    row: int
    messages: list[str]


class ImportRefused(ValidationError):
    """The import stored nothing; ``row_errors`` says what is wrong in which row."""

    def __init__(self, row_errors: list[RowError]) -> None:
        super().__init__(_("Nothing was imported: %(n)d row(s) have errors.") % {"n": len(row_errors)})
        self.row_errors = row_errors


def _parse_day(value: Any) -> date | None:
    if value in ("", None):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise ValidationError({"hired_on": _("Write the hiring date as YYYY-MM-DD.")}) from None


def employees_import(*, by: User, venue: Venue, rows: list[tuple[int, dict[str, Any]]],
                     request: HttpRequest | None = None) -> list[Employment]:
    """Register every row, or nothing: one transaction, each row checked in a savepoint so
    that all errors are reported at once, and the whole import rolled back if any failed."""
    _check_may_write(by, venue)
    errors: list[RowError] = []
    created: list[Employment] = []
    seen: dict[str, int] = {}
    with transaction.atomic():
        for number, row in rows:
            ident = normalize_id_number(str(row.get("id_number", "")))
            if ident in seen:
                errors.append(RowError(number, [_("Same ID number as row %(row)d.") % {"row": seen[ident]}]))
                continue
            seen[ident] = number
            try:
                with transaction.atomic():
                    created.append(employee_register(
                        by=by, venue=venue, name=str(row.get("name", "")), id_number=ident,
                        phone=str(row.get("phone", "")), position=str(row.get("position", "")),
                        hired_on=_parse_day(row.get("hired_on")), request=request,
                    ))
            except ValidationError as exc:
                errors.append(RowError(number, exc.messages))
        if errors:
            transaction.set_rollback(True)
        else:
            audit_record(action="employee_import", request=request, actor=by, target=venue,
                         detail={"rows": len(created)})
    if errors:
        raise ImportRefused(errors)
    return created
