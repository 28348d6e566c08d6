from datetime import timedelta
from typing import Any

from django.db.models import Case, Count, F, Q, Value, When, Window
from django.db.models.functions import RowNumber, TruncMonth
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from accounts.models import Jurisdiction, User
from daodao.ui import WorkItem, WorkLine
from venues.scoping import area_scope

from .filters import assigned_to
from .kinds import kind_label
from .models import Alert

WORK_ITEMS = 3


def alert_list_for_user(user: Any) -> Any:
    return Alert.objects.visible_to(user).select_related("venue__station", "assigned_station", "assigned_officer")


def alert_get_for_user(user: Any, pk: int) -> Alert:
    alert: Alert = get_object_or_404(alert_list_for_user(user), pk=pk)
    return alert


def alert_outcomes_by_month(user: Any, *, months: int = 6) -> list[dict[str, Any]]:
    """How often each kind of alert was right, per month of first raising, from what officers
    found (one query): handled or closed counts as right, dismissed as a false alarm as wrong
    (with the records causes apart), alerts still open or dispatched are not judged yet."""
    first_month = timezone.localdate().replace(day=1)
    for _i in range(months - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    dismissed = Q(status=Alert.Status.DISMISSED)
    rows = (
        Alert.objects.visible_to(user).filter(first_raised_at__date__gte=first_month)
        .annotate(month=TruncMonth("first_raised_at")).values("kind", "month")
        .annotate(
            confirmed=Count("id", filter=Q(status__in=Alert.CONFIRMED_STATUSES)),
            dismissed=Count("id", filter=dismissed),
            staff_list=Count("id", filter=dismissed & Q(dismiss_cause=Alert.DismissCause.STAFF_LIST)),
            closure=Count("id", filter=dismissed & Q(dismiss_cause=Alert.DismissCause.CLOSURE)),
            staff_away=Count("id", filter=dismissed & Q(dismiss_cause=Alert.DismissCause.STAFF_AWAY)),
            pending=Count("id", filter=Q(status__in=(Alert.Status.OPEN, Alert.Status.DISPATCHED))),
        )
        .order_by("-month", "kind")
    )
    out = []
    for r in rows:
        judged = r["confirmed"] + r["dismissed"]
        out.append({**r, "label": kind_label(r["kind"]),
                    "precision": round(100 * r["confirmed"] / judged) if judged else None})
    return out


def dispatch_targets_for_user(user: Any) -> tuple[Any, Any]:
    stations = Jurisdiction.objects.visible_to(user).stations()
    officers = User.objects.filter(role=User.Role.POLICE, is_active=True, jurisdiction__in=Jurisdiction.objects
                                   .visible_to(user))
    return stations, officers


def dashboard_panel_context(request: AuthedRequest) -> dict[str, Any] | None:
    user = request.user
    if not user.works_police_side:
        return None
    qs = Alert.objects.visible_to(user).active()
    counts = qs.aggregate(
        total=Count("id"),
        high=Count("id", filter=Q(severity=Alert.Severity.HIGH)),
        open=Count("id", filter=Q(status=Alert.Status.OPEN)),
    )
    return {"counts": counts}


def venue_panel_context(request: AuthedRequest, venue: Any) -> dict[str, Any] | None:
    user = request.user
    if not user.works_police_side:
        return None
    alerts = list(Alert.objects.visible_to(user).filter(venue=venue).order_by("-first_raised_at")[:10])
    return {"alerts": alerts}


def _inbox_url(area: Any, **params: Any) -> str:
    if area is not None:
        params["area"] = area.pk
    return f"{reverse('alerts:inbox')}?{urlencode(params)}"


def _alert_item(alert: Alert) -> WorkItem:
    raised = timezone.localtime(alert.first_raised_at)
    # Detectors' titles usually begin with the venue's name already; do not say it twice.
    title = alert.title if alert.venue.name in alert.title else _("%(venue)s: %(title)s") % {
        "venue": alert.venue.name, "title": alert.title}
    return WorkItem(
        text=_("%(title)s (raised %(date)s)") % {"title": title, "date": f"{raised:%m-%d}"},
        url=reverse("alerts:detail", args=[alert.pk]),
    )


def work_lines(request: AuthedRequest, area: Any) -> list[WorkLine]:
    """Unassigned high alerts, and alerts dispatched to me or my station: one query for both
    lines, their first three alerts each with the line's total (window functions over the
    active alerts of the two lines; the inbox index leaves out the closed and dismissed)."""
    user = request.user
    if not user.works_police_side:
        return []
    unassigned = Q(status=Alert.Status.OPEN, severity=Alert.Severity.HIGH)
    mine = Q(status=Alert.Status.DISPATCHED) & assigned_to(user)
    line = Case(When(unassigned, then=Value(0)), default=Value(1))
    # list[Any]: the rows carry their window annotations (line, total, nth).
    first: list[Any] = list(
        Alert.objects.visible_to(user)
        .filter(area_scope(user, area, "venue__"), unassigned | mine,
                status__in=[Alert.Status.OPEN, Alert.Status.DISPATCHED])
        .select_related("venue")
        .annotate(line=line, total=Window(Count("id"), partition_by=[line]),
                  nth=Window(RowNumber(), partition_by=[line], order_by=[F("first_raised_at"), F("id")]))
        .filter(nth__lte=WORK_ITEMS).order_by("line", "first_raised_at", "id"))
    lines = []
    high = [a for a in first if a.line == 0]
    if high:
        lines.append(WorkLine(
            count=high[0].total, urgent=True,
            text=_("high-severity alerts wait to be dispatched to a station or officer"),
            url=_inbox_url(area, state="open", severity=Alert.Severity.HIGH, sort="oldest"),
            items=tuple(_alert_item(a) for a in high),
        ))
    dispatched = [a for a in first if a.line == 1]
    if dispatched:
        lines.append(WorkLine(
            count=dispatched[0].total,
            text=_("alerts were dispatched to you or your station and wait for feedback"),
            url=_inbox_url(area, state="dispatched", assigned="me", sort="oldest"),
            items=tuple(_alert_item(a) for a in dispatched),
        ))
    return lines
