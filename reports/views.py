from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import may
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, xlsx_sheets_response
from daodao.params import parse_id
from ratings.models import Colour, Tier
from ratings.rules import RULE_LABELS

from . import selectors
from .models import MonthlyReport
from .services import monthly_report_build

BODY_CACHE_SECONDS = 7 * 24 * 3600


def _police_only(request: AuthedRequest) -> None:
    if not may(request.user, "works_police_side"):
        raise Http404


def _rows(report: MonthlyReport) -> list[dict[str, Any]]:
    """The summary table: this month, the month before and the change, one figure a line."""
    cur, prev = report.data["current"], report.data["previous"]
    # (label, figure, whether a rise is bad: True, good: False, neither: None)
    specs: list[tuple[Any, Any, bool | None]] = [
        (_("Venues (not closed)"), lambda d: d["venues"], None),
        *[(label, (lambda d, v=v: d["tiers"][str(v)]), None) for v, label in reversed(Tier.choices)],
        *[(_("%(colour)s this month") % {"colour": label}, (lambda d, v=v: d["colours"][v]), v == Colour.RED)
          for v, label in Colour.choices],
        (_("Inspections carried out"), lambda d: d["inspections"]["done"], False),
        (_("Inspections the tiers require"), lambda d: d["inspections"]["required"], None),
        (_("Alerts raised"), lambda d: d["alerts"]["raised"], True),
        (_("Alerts handled"), lambda d: d["alerts"]["handled"], False),
        (_("Alerts dismissed as false alarms"), lambda d: d["alerts"]["dismissed"], False),
        (_("Median hours from alert to handling"), lambda d: d["alerts"]["median_hours"], True),
        (_("Rectification orders issued"), lambda d: d["rectifications"]["issued"], True),
        (_("Rectification orders closed"), lambda d: d["rectifications"]["closed"], False),
        (_("of which closed late"), lambda d: d["rectifications"]["closed_late"], True),
        (_("Orders past their deadline at the month's end"), lambda d: d["rectifications"]["overdue"], True),
        (_("Venues with a valid venue pledge (%)"), lambda d: d["coverage"]["venue_pledge"], False),
        (_("Employees with a valid pledge (%)"), lambda d: d["coverage"]["employee_pledge"], False),
        (_("Employees who passed the exam (%)"), lambda d: d["coverage"]["trained"], False),
        # Reports built before hair self-tests existed have no such figures ("—").
        (_("Hair self-test rounds completed"), lambda d: d.get("hair_tests", {}).get("rounds"), None),
        (_("Employees hair-tested"), lambda d: d.get("hair_tests", {}).get("tested"), None),
        (_("Positive hair-test results"), lambda d: d.get("hair_tests", {}).get("positives"), True),
    ]
    rows = []
    for label, get, worse_if_up in specs:
        a, b = get(cur), get(prev)
        change = round(a - b, 1) if isinstance(a, int | float) and isinstance(b, int | float) else None
        rows.append({"label": label, "now": a, "before": b, "change": change,
                     "bad": bool(change and worse_if_up is not None and (change > 0) == worse_if_up)})
    return rows


def _table(report: MonthlyReport) -> list[dict[str, Any]]:
    colours = dict(Colour.choices)
    return [{**row, "colour_label": colours.get(row["colour"], row["colour"]),
             "deductions": [{**d, "rule_label": RULE_LABELS.get(d["rule"], _("Other"))} for d in row["deductions"]]}
            for row in report.data["colour_table"]]


@login_required
def report_list(request: AuthedRequest) -> HttpResponse:
    _police_only(request)
    return render(request, "reports/list.html", {
        "reports": selectors.latest_reports_for_user(request.user),
        "areas": selectors.report_areas_for_user(request.user),
        "months": selectors.recent_months(timezone.localdate()),
    })


@login_required
@require_POST
def build(request: AuthedRequest) -> HttpResponse:
    _police_only(request)
    area = get_object_or_404(selectors.report_areas_for_user(request.user),
                             pk=parse_id(request.POST.get("area", "")) or 0)
    try:
        month = date.fromisoformat(request.POST.get("month", ""))
    except ValueError:
        messages.error(request, _("Choose a month."))
        return redirect("reports:list")
    if month > timezone.localdate() or month.year < 2000:
        messages.error(request, _("A report cannot be built for a month that has not begun."))
        return redirect("reports:list")
    report = monthly_report_build(jurisdiction=area, month=month, by=request.user)
    assert report is not None  # noqa: S101 -- built for a month that has begun
    messages.success(request, _("Version %(v)s of the report was built.") % {"v": report.version})
    return redirect("reports:detail", pk=report.pk)


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _police_only(request)
    report = selectors.report_get_for_user(request.user, pk)
    # Only the numbers: each version's snapshot is ~50 KB of JSON, and a month rebuilt often
    # has dozens of versions.
    versions = list(selectors.reports_for_user(request.user).filter(jurisdiction=report.jurisdiction_id,
                                                                    month=report.month)
                    .select_related(None).only("pk", "version").order_by("-version"))
    return render(request, "reports/detail.html", {
        "report": report, "body": _body(report), "versions": versions, "latest": versions[0].pk == report.pk,
    })


def _body(report: MonthlyReport) -> str:
    """The report's figures and three-colour table as HTML. A report never changes (the
    model, the queryset and a database trigger refuse it), so its rendering is cached per
    report and language without invalidation: a district's 500 venues with their deductions
    cost ~80 ms of template work on every reading otherwise."""
    # The build time too: a database restored or rebuilt may give a new report an old id.
    key = f"reports:body:{report.pk}:{report.created_at.timestamp()}:{get_language()}"
    html = cache.get(key)
    if html is None:
        html = render_to_string("reports/body.html", {"report": report, "rows": _rows(report),
                                                      "table": _table(report)})
        cache.set(key, html, BODY_CACHE_SECONDS)
    return html


@login_required
def export(request: AuthedRequest, pk: int) -> HttpResponse:
    _police_only(request)
    report = selectors.report_get_for_user(request.user, pk)
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "monthly_report", "report": report.pk, "area": report.jurisdiction.name,
                         "month": report.data["month"], "version": report.version})
    title = _("%(area)s monthly report %(month)s, version %(v)s, built %(at)s; exported %(now)s") % {
        "area": report.data["area"], "month": report.data["month"], "v": report.version,
        "at": report.data["built_at"][:16].replace("T", " "), "now": f"{timezone.localtime():%Y-%m-%d %H:%M}"}
    rows = _rows(report)
    summary = Sheet(name=_("Summary"), title=title, widths=(40, 14, 14, 12),
                    headers=[_("Figure"), report.data["month"], report.data["previous_month"], _("Change")],
                    rows=[(r["label"], r["now"], r["before"], r["change"]) for r in rows])
    colours = Sheet(
        name=_("Three colours"), title=title, widths=(28, 18, 10, 12, 12, 26, 10, 50),
        headers=[_("Venue"), _("Police station"), _("Colour"), _("Points deducted"), _("Date"), _("Rule"),
                 _("Points"), _("What happened")],
        rows=[(row["venue"], row["station"], row["colour_label"], row["points"],
               date.fromisoformat(d["date"]) if d else None, d["rule_label"] if d else "",
               d["points"] if d else None, d["what"] if d else "")
              for row in _table(report) for d in (row["deductions"] or [None])])
    return xlsx_sheets_response(f"monthly-report-{report.data['month']}-v{report.version}", [summary, colours])
