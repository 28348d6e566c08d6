from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, filterset_summary, xlsx_sheets_response

from .filters import AlertFilter
from .forms import CloseForm, DismissForm, DispatchForm, HandleForm
from .selectors import alert_get_for_user, alert_list_for_user, alert_outcomes_by_month
from .services import alert_close, alert_dismiss, alert_dispatch, alert_handle


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    filterset = AlertFilter(request.GET, queryset=alert_list_for_user(request.user), request=request)
    page = Paginator(filterset.qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "alerts/inbox.html", {"filter": filterset, "page": page, "query": query.urlencode(),
                                                 "outcomes": alert_outcomes_by_month(request.user)})


@login_required
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    alert = alert_get_for_user(request.user, pk)
    return render(request, "alerts/detail.html", {
        "alert": alert, "events": alert.events.select_related("actor"),
        "dispatch_form": DispatchForm(user=request.user), "handle_form": HandleForm(),
        "close_form": CloseForm(), "dismiss_form": DismissForm(),
    })


ACTIONS: dict[str, tuple[Any, Any]] = {
    "dispatch": (DispatchForm, lambda a, u, d: alert_dispatch(alert=a, by=u, station=d["station"],
                                                             officer=d["officer"], note=d["note"])),
    "handle": (HandleForm, lambda a, u, d: alert_handle(alert=a, by=u, feedback=d["feedback"])),
    "close": (CloseForm, lambda a, u, d: alert_close(alert=a, by=u, note=d["note"])),
    "dismiss": (DismissForm, lambda a, u, d: alert_dismiss(alert=a, by=u, reason=d["reason"], cause=d["cause"])),
}


# What each step did and what comes next.
DONE = {
    "dispatch": gettext_lazy("The alert is dispatched; the station and officer see it in their inbox. Record the "
                             "handling here once they report back."),
    "handle": gettext_lazy("Handling recorded. Close the alert once the venue's situation is settled."),
    "close": gettext_lazy("The alert is closed. A new alert is raised if the problem comes back."),
    "dismiss": gettext_lazy("Dismissed as a false alarm; it does not count against the venue's rating."),
}


@login_required
@require_POST
def act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    require(request.user, "works_police_side")
    alert = alert_get_for_user(request.user, pk)
    if action not in ACTIONS:
        raise PermissionDenied
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, user=request.user) if form_class is DispatchForm else form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("alerts:detail", pk=alert.pk)
    try:
        run(alert, request.user, form.cleaned_data)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, str(DONE[action]))
    return redirect("alerts:detail", pk=alert.pk)


@login_required
def export(request: AuthedRequest) -> HttpResponse:
    """The inbox as it is filtered on the page, scoped the same way, audited."""
    require(request.user, "works_police_side")
    filterset = AlertFilter(request.GET, queryset=alert_list_for_user(request.user), request=request)
    alerts = filterset.qs
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "alerts", "filters": {k: v for k, v in request.GET.items() if k != "page"},
                         "rows": alerts.count()})
    rows = (
        (a.get_severity_display(), a.title, str(a.kind_label), a.venue.name, a.venue.station.name,
         a.get_status_display(), str(a.assigned_officer or a.assigned_station or ""), a.first_raised_at,
         a.last_raised_at, a.raise_count, a.feedback or a.dismiss_reason)
        for a in alerts.iterator(chunk_size=500)
    )
    sheet = Sheet(
        name=_("Alerts"), title=export_title(what=_("Alerts"), user=request.user, filters=filterset_summary(filterset)),
        headers=[_("Severity"), _("Alert"), _("Kind"), _("Venue"), _("Police station"), _("Status"),
                 _("Assigned to"), _("First raised"), _("Last raised"), _("Times raised"), _("Feedback or reason")],
        widths=(8, 44, 18, 24, 14, 14, 14, 18, 18, 8, 40), rows=rows)
    return xlsx_sheets_response("alerts", [sheet])
