from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max

from accounts.models import Jurisdiction

from .models import MonthlyReport
from .snapshot import month_snapshot


def monthly_report_build(*, jurisdiction: Jurisdiction, month: date, by: Any = None,
                         only_if_missing: bool = False) -> MonthlyReport | None:
    """Freeze the figures of ``jurisdiction`` for ``month`` as the next version.

    1. Lock the jurisdiction's row, so two builds of the same area (the job and an officer,
       or two officers) number their versions one after the other instead of clashing.
    2. With ``only_if_missing`` (the monthly job), stop if a version exists: re-runs are no-ops.
    3. Compute the figures and insert them; a report is never changed afterwards.
    """
    month = month.replace(day=1)
    with transaction.atomic():
        Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
        existing = MonthlyReport.objects.filter(jurisdiction=jurisdiction, month=month)
        if only_if_missing and existing.exists():
            return None
        version = (existing.aggregate(v=Max("version"))["v"] or 0) + 1
        return MonthlyReport.objects.create(jurisdiction=jurisdiction, month=month, version=version,
                                            data=month_snapshot(jurisdiction, month), created_by=by)


def monthly_reports_build_all(*, month: date) -> int:
    """The job on the 1st: one report per city and district for the month that ended."""
    built = 0
    for node in Jurisdiction.objects.filter(level__in=[Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT]):
        if monthly_report_build(jurisdiction=node, month=month, only_if_missing=True) is not None:
            built += 1
    return built
