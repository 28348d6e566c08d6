"""The sign-in statistics per venue and day as an Excel file.

Up to ``SIGNIN_EXPORT_DIRECT_ROWS`` rows (a city over a month) the file is written in the
request, streamed row by row. A larger one -- a city over a quarter, a province -- is
written by a background job (``exports``) with its progress shown, and the officer gets a
notice when it is ready; past ``SIGNIN_EXPORT_MAX_ROWS`` (a province over a quarter) the
page asks to narrow the area or the period. Both paths build the same sheets, as the
requester, and are audited."""

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from accounts.models import Jurisdiction
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, xlsx_sheets_response
from exports.registry import Build
from exports.tasks import export_start
from venues.models import Venue
from venues.scoping import area_scope

from . import selectors
from .views import signin_filters

KIND = "signin_days"
# openpyxl writes 4,000-7,000 rows a second here: 100,000 rows are 15-25 s of one request.
SIGNIN_EXPORT_DIRECT_ROWS = 100_000
# A province's 30,000 venues over 92 days are 2.76 million rows (three sheets of one file,
# ~10 minutes of a background worker); more is refused.
SIGNIN_EXPORT_MAX_ROWS = 3_000_000


def signin_days_build(user: Any, area: Jurisdiction | None, start: date, end: date) -> Build:
    filters = [(_("District or station"), area.name if area else ""),
               (_("From"), f"{start:%Y-%m-%d}"), (_("To"), f"{end:%Y-%m-%d}")]
    what = _("Sign-ins per venue and day")
    yes = _("yes")
    rows = ((name, station, day, signed, expected, yes if closed else "", reason, far, untrained)
            for name, station, day, signed, expected, closed, reason, far, untrained
            in selectors.signin_stats_days(user, area, start, end))
    return Build(filename=f"signins-{start:%Y%m%d}-{end:%Y%m%d}", sheets=[Sheet(
        name=what, title=export_title(what=what, user=user, filters=filters),
        widths=(26, 14, 12, 10, 10, 8, 20, 12, 12),
        headers=[_("Venue"), _("Police station"), _("Day"), _("Signed in"), _("Expected"), _("Closed that day"),
                 _("Closure reason"), _("Far from the venue"), _("Before training")],
        rows=rows)])


def signin_days_job(user: Any, params: dict[str, Any]) -> Build:
    """The background job's build: the parameters checked again against the requester's
    scope now (an area they no longer cover is refused, never widened)."""
    if not user.works_police_side:
        raise PermissionDenied
    area = None
    if params.get("area") is not None:
        area = Jurisdiction.objects.visible_to(user).police_areas().filter(pk=params["area"]).first()
        if area is None:
            raise PermissionDenied
    return signin_days_build(user, area, date.fromisoformat(params["start"]), date.fromisoformat(params["end"]))


@login_required
def signin_stats_export(request: AuthedRequest) -> HttpResponse:
    """Sign-in statistics per venue and day, as filtered on the page, audited."""
    f = signin_filters(request)
    user, start, end, area = request.user, f["start"], f["end"], f["area"]
    n_venues = Venue.objects.filter(area_scope(user, area)).operating().count()
    days = (end - start).days + 1
    n_rows = n_venues * days
    back = f"{reverse('dashboard:signins')}?{request.GET.urlencode()}"
    if n_rows > SIGNIN_EXPORT_MAX_ROWS:
        messages.error(request, _("%(rows)s rows (%(venues)s venues × %(days)s days) are more than one file "
                                  "holds (%(max)s): choose a district or station, or fewer days.") % {
            "rows": n_rows, "venues": n_venues, "days": days, "max": SIGNIN_EXPORT_MAX_ROWS})
        return redirect(back)
    if n_rows > SIGNIN_EXPORT_DIRECT_ROWS:
        whole = user.jurisdiction.name if user.jurisdiction is not None else _("All areas")
        title = _("Sign-ins per venue and day, %(area)s, %(start)s to %(end)s") % {
            "area": area.name if area else whole,
            "start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"}
        try:
            job = export_start(user=user, kind=KIND, title=title, rows=n_rows, request=request,
                               params={"area": area.pk if area else None, "start": start.isoformat(),
                                       "end": end.isoformat()})
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(back)
        messages.success(request, _("%(rows)s rows are being written in the background. This page shows the "
                                    "progress; a notice tells you when the file is ready.") % {"rows": n_rows})
        return redirect("exports:detail", job.pk)
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "signin_stats", "filters": {k: v for k, v in request.GET.items() if k != "page"},
                         "rows": n_rows})
    build = signin_days_build(user, area, start, end)
    return xlsx_sheets_response(build.filename, build.sheets)
