from datetime import date
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import Jurisdiction

from .models import MonthlyReport


def reports_for_user(user: Any) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.visible_to(user).select_related("jurisdiction", "created_by")


def report_get_for_user(user: Any, pk: int) -> MonthlyReport:
    return get_object_or_404(reports_for_user(user), pk=pk)


def latest_reports_for_user(user: Any, limit: int = 60) -> list[MonthlyReport]:
    """The newest version of each (area, month), newest month first (two queries)."""
    heads = list(MonthlyReport.objects.visible_to(user).order_by().values("jurisdiction", "month")
                 .annotate(v=Max("version"), n=Count("id")).order_by("-month", "jurisdiction")[:limit])
    if not heads:
        return []
    match = Q()
    for h in heads:
        match |= Q(jurisdiction=h["jurisdiction"], month=h["month"], version=h["v"])
    return list(reports_for_user(user).filter(match).order_by("-month", "jurisdiction__path"))


def report_areas_for_user(user: Any) -> QuerySet[Jurisdiction]:
    """The nodes a user may build a report for: their own node and the districts below it."""
    return (Jurisdiction.objects.visible_to(user)
            .filter(level__in=[Jurisdiction.Level.CITY, Jurisdiction.Level.DISTRICT, Jurisdiction.Level.STATION])
            .order_by("path"))


def recent_months(today: date, n: int = 12) -> list[date]:
    """This month (to date) and the months before it, newest first."""
    months = []
    y, m = today.year, today.month
    for _i in range(n):
        months.append(date(y, m, 1))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return months
