"""Loading the window from the rollup and the registry, raising alerts, holding back what a dismissal explains."""

from datetime import date, timedelta
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.models import Alert, AlertEvent
from alerts.services import AlertSpec, alerts_raise
from venues.models import Venue

from ..alert_kinds import KIND_SIGNIN
from ..dismissals import dismissals_explaining_drops
from ..models import Employment, VenueDay
from .judge import detect
from .window import CityWindow, Finding, Params

# --- Loading and raising ----------------------------------------------------------

def load_window(*, on: date, days: int) -> CityWindow:
    """The ``days`` calendar days ending at ``on`` for every operating venue with rollup rows.

    1. The rollup rows of the window (one query; closed days flagged).
    2. The registry's changes per venue and day (one query, aggregated in SQL: hirings minus
       leavings, those before the window folded into its first day); their running sum over
       the days is the registered headcount. Expanding each employment into its days
       (generate_series) would make PostgreSQL build employees x days rows to sum them.
    3. Each venue's type (one query): venues of a type share the common day factor.
    """



    since = on - timedelta(days=days - 1)
    operating = Venue.Status.OPERATING
    venue_table, day_table, emp_table = Venue._meta.db_table, VenueDay._meta.db_table, Employment._meta.db_table

    def days_since(column: str) -> str:
        # Whole days from the window's first day (the demo runs on SQLite: no date arithmetic).
        if connection.vendor == "sqlite":
            return f"CAST(julianday({column}) - julianday(%s) AS INTEGER)"
        return f"({column} - %s)"

    with connection.cursor() as cur:
        cur.execute(
            f"SELECT d.venue_id, {days_since('d.day')}, d.signed_in, d.closed FROM {day_table} d "  # noqa: S608
            f"JOIN {venue_table} v ON v.id = d.venue_id WHERE v.status = %s AND d.day BETWEEN %s AND %s",
            [since, operating, since, on])
        rollup = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 4)
        cur.execute(
            f"SELECT venue_id, col, sum(change) FROM ("  # noqa: S608
            f" SELECT e.venue_id, CASE WHEN e.hired_on > %s THEN {days_since('e.hired_on')} ELSE 0 END AS col,"
            f" 1 AS change FROM {emp_table} e"
            f" JOIN {venue_table} v ON v.id = e.venue_id WHERE v.status = %s AND e.hired_on <= %s"
            f" AND (e.left_on IS NULL OR e.left_on > %s)"
            f" UNION ALL"
            f" SELECT e.venue_id, {days_since('e.left_on')}, -1 FROM {emp_table} e"
            f" JOIN {venue_table} v ON v.id = e.venue_id WHERE v.status = %s AND e.hired_on <= %s"
            f" AND e.left_on > %s AND e.left_on <= %s"
            f") changes GROUP BY venue_id, col",
            [since, since, operating, on, since, since, operating, on, since, on])
        changes = np.array(cur.fetchall(), dtype=np.int64).reshape(-1, 3)
        cur.execute(f"SELECT id, type FROM {venue_table} WHERE status = %s", [operating])  # noqa: S608
        types = dict(cur.fetchall())
    if rollup.shape[0] == 0:
        return CityWindow.empty(since, days)
    venue_ids, row = np.unique(rollup[:, 0], return_inverse=True)
    counts = np.zeros((venue_ids.size, days), dtype=np.int64)
    closed = np.zeros((venue_ids.size, days), dtype=bool)
    is_closed = rollup[:, 3] != 0
    counts[row, rollup[:, 1]] = np.where(is_closed, 0, rollup[:, 2])
    closed[row, rollup[:, 1]] = is_closed
    signed = np.zeros((venue_ids.size, days), dtype=bool)
    signed[row, rollup[:, 1]] = rollup[:, 2] > 0
    first = np.where(signed.any(axis=1), signed.argmax(axis=1), -1)
    delta = np.zeros((venue_ids.size, days + 1), dtype=np.int64)
    if changes.shape[0]:
        pos = np.searchsorted(venue_ids, changes[:, 0])
        known = (pos < venue_ids.size) & (venue_ids[np.minimum(pos, venue_ids.size - 1)] == changes[:, 0])
        np.add.at(delta, (pos[known], changes[known, 1]), changes[known, 2])
    registered = np.cumsum(delta, axis=1)[:, :days]
    codes = {t: k for k, t in enumerate(sorted(set(types.values())))}
    group = np.array([codes.get(types.get(int(v)), -1) for v in venue_ids], dtype=np.int64)
    return CityWindow(since, venue_ids, counts, closed, registered, first, group)


def _title(f: Finding, venue_name: str) -> str:
    ev = f.evidence
    observed = "/".join(str(n) for n in ev["observed"])
    base = round(sum(ev["baseline"]) / len(ev["baseline"]))
    msg = (_("%(venue)s: sign-ins dropped to %(observed)s (usually about %(base)d) for %(n)d days")
           if f.direction == "drop" else
           _("%(venue)s: sign-ins rose to %(observed)s (usually about %(base)d) for %(n)d days"))
    return msg % {"venue": venue_name, "observed": observed, "base": base, "n": len(ev["days"])}


def detect_signin_anomalies(*, on: date | None = None, days: int = 1, params: Params | None = None) -> dict[str, Any]:
    """Run the detector for ``days`` dates ending at ``on`` (default: yesterday) and raise alerts.

    1. Load the rollup window once (covering all the dates) and the registered headcounts.
    2. Detect for each date, oldest first; a venue flagged on several dates keeps the latest.
    3. Hold back drops that an officer's dismissal still explains (staff list out of date or
       closure not marked, records unchanged since; staff away for a holiday, for two weeks:
       ``staff.dismissals``), each written into that dismissed alert's history once. Rises
       are never held back.
    4. Raise one alert per venue and kind through alerts_raise (set-based upsert, idempotent).
    """


    p = params or Params()
    on = on or timezone.localdate() - timedelta(days=1)
    window = load_window(on=on, days=p.window_days + days - 1)
    latest: dict[tuple[str, int], Finding] = {}
    for i in range(days - 1, -1, -1):
        for f in detect(window, on - timedelta(days=i), p):
            latest[(f.kind, f.venue_id)] = f
    drops = [f.venue_id for f in latest.values() if f.direction == "drop"]
    explained = dismissals_explaining_drops(venue_ids=drops) if drops else {}
    held = [latest.pop((f.kind, f.venue_id)) for f in list(latest.values())
            if f.direction == "drop" and f.venue_id in explained]
    names = dict(Venue.objects.filter(pk__in={v for _k, v in latest} | {f.venue_id for f in held})
                 .values_list("pk", "name"))
    result: dict[str, Any] = {"date": on.isoformat(), "days": days, "venues": int(window.venue_ids.size),
                              "flagged": len(latest), "held_back": len(held)}
    with translation.override(settings.LANGUAGE_CODE):
        specs = [AlertSpec(f.venue_id, f.severity, _title(f, names.get(f.venue_id, "")), f.evidence)
                 for (_k, _v), f in sorted(latest.items())]
        r = alerts_raise(kind=KIND_SIGNIN, specs=specs)
        result[KIND_SIGNIN] = {"created": r.created, "updated": r.updated, "unchanged": r.unchanged}
        if held:
            _log_held_back(held, explained, names)
    return result


def _log_held_back(held: list[Finding], explained: dict[int, Any], names: dict[int, str]) -> None:
    """One history line per held-back finding on the dismissal that explains it (idempotent:
    a re-run for the same night adds nothing)."""

    def line(f: Finding) -> str:
        args = {"finding": _title(f, names.get(f.venue_id, "")), "date": f.evidence["date"]}
        if explained[f.venue_id].dismiss_cause == Alert.DismissCause.STAFF_AWAY:
            return _("%(finding)s (night of %(date)s): not raised again, because this alert was dismissed as "
                     "staff away for a holiday or the season, which holds for two weeks.") % args
        return _("%(finding)s (night of %(date)s): not raised again, because the records this alert was "
                 "dismissed for have not changed since.") % args

    lines = {(explained[f.venue_id].pk, line(f)) for f in held}
    have = set(AlertEvent.objects.filter(alert_id__in={a for a, _n in lines}, action=AlertEvent.Action.HELD_BACK)
               .values_list("alert_id", "note"))
    AlertEvent.objects.bulk_create([AlertEvent(alert_id=a, action=AlertEvent.Action.HELD_BACK, note=n)
                                    for a, n in sorted(lines - have)])
