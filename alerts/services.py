from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Jurisdiction, User
from notices.services import NoticeSpec, notices_send

from .models import Alert, AlertEvent


@dataclass(frozen=True)
class AlertSpec:
    venue_id: int
    severity: int
    title: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass
class RaiseResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def alerts_raise(*, kind: str, specs: list[AlertSpec]) -> RaiseResult:
    """Set-based upsert of one active alert per (venue, kind).

    1. Lock the active alerts of this kind for the venues in ``specs`` (one query).
    2. A venue with an active alert gets it updated, only if the evidence, severity or
       title changed; a venue without one gets a new alert. Identical specs change
       nothing, so re-running a detector for the same day is harmless.
    3. Write with one bulk_update and one bulk_create, plus the history events.

    Two concurrent runs serialise on the row locks; if both try to create the same
    alert, the partial unique constraint stops the second and it retries as an update.
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _raise(kind, specs)
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def _raise(kind: str, specs: list[AlertSpec]) -> RaiseResult:
    by_venue = {s.venue_id: s for s in specs}
    if not by_venue:
        return RaiseResult()
    now = timezone.now()
    existing = {
        a.venue_id: a
        for a in Alert.objects.select_for_update().filter(
            kind=kind, venue_id__in=list(by_venue), status__in=Alert.ACTIVE_STATUSES
        )
    }
    result = RaiseResult()
    to_create, to_update = [], []
    for venue_id, spec in by_venue.items():
        alert = existing.get(venue_id)
        if alert is None:
            to_create.append(Alert(venue_id=venue_id, kind=kind, severity=spec.severity, title=spec.title[:200],
                                   evidence=spec.evidence, last_raised_at=now))
        elif (alert.evidence, alert.severity, alert.title) != (spec.evidence, spec.severity, spec.title[:200]):
            alert.evidence, alert.title = spec.evidence, spec.title[:200]
            # A condition may worsen; it does not quietly improve an alert officers already saw.
            alert.severity = max(alert.severity, spec.severity)
            alert.last_raised_at = now
            alert.raise_count += 1
            alert.updated_at = now
            to_update.append(alert)
        else:
            result.unchanged += 1
    Alert.objects.bulk_create(to_create)
    Alert.objects.bulk_update(
        to_update, ["evidence", "title", "severity", "last_raised_at", "raise_count", "updated_at"]
    )
    AlertEvent.objects.bulk_create(
        [AlertEvent(alert=a, action=AlertEvent.Action.RAISED) for a in to_create]
        + [AlertEvent(alert=a, action=AlertEvent.Action.UPDATED) for a in to_update]
    )
    result.created, result.updated = len(to_create), len(to_update)
    return result


def alert_raise(*, kind: str, venue_id: int, severity: int, title: str, evidence: dict[str, Any]) -> Alert:
    alerts_raise(kind=kind, specs=[AlertSpec(venue_id, severity, title, evidence)])
    return Alert.objects.active().get(kind=kind, venue_id=venue_id)


# --- Workflow -------------------------------------------------------------------

def _check_officer(by: User) -> None:
    if not by.works_police_side:
        raise PermissionDenied(_("Only police officers work on alerts."))


def _transition(
    *, alert: Alert, by: User, allowed_from: tuple[str, ...], to: str, action: str, note: str,
    fields: dict[str, Any] | None = None,
) -> Alert:
    """Claim the transition with a conditional UPDATE, so two officers cannot both win."""
    _check_officer(by)
    now = timezone.now()
    with transaction.atomic():
        claimed = Alert.objects.filter(pk=alert.pk, status__in=allowed_from).update(
            status=to, updated_at=now, **(fields or {})
        )
        if not claimed:
            alert.refresh_from_db(fields=["status"])
            raise ValidationError(
                _("This alert is %(status)s; that step is not possible now.")
                % {"status": alert.get_status_display()}
            )
        AlertEvent.objects.create(alert=alert, actor=by, action=action, note=note)
    alert.refresh_from_db()
    return alert


def alert_dispatch(
    *, alert: Alert, by: User, station: Jurisdiction | None = None, officer: User | None = None, note: str = ""
) -> Alert:
    """Send the alert to the station or the officer who must act on it."""
    _check_officer(by)
    if station is None and officer is None:
        raise ValidationError(_("Choose a police station or an officer to dispatch to."))
    scope = Jurisdiction.objects.visible_to(by)
    if station is not None and not scope.filter(pk=station.pk, level=Jurisdiction.Level.STATION).exists():
        raise ValidationError(_("That police station is outside your jurisdiction."))
    if officer is not None and not (
        officer.is_police and officer.is_active and officer.jurisdiction_id
        and scope.filter(pk=officer.jurisdiction_id).exists()
    ):
        raise ValidationError(_("That officer is not a police officer of your jurisdiction."))
    with transaction.atomic():
        alert = _transition(
            alert=alert, by=by, allowed_from=(Alert.Status.OPEN, Alert.Status.DISPATCHED), to=Alert.Status.DISPATCHED,
            action=AlertEvent.Action.DISPATCHED, note=note,
            fields={"assigned_station": station or (officer.jurisdiction if officer else None),
                    "assigned_officer": officer},
        )
        _notify_dispatch(alert=alert, by=by, note=note)
    return alert


def _notify_dispatch(*, alert: Alert, by: User, note: str) -> None:
    """A notice (and e-mail where the officer has an address) to whoever must now act: the
    officer dispatched to, or else every active officer of the station. Keyed by the
    dispatch event, so a re-dispatch notifies the new assignees once each."""
    if alert.assigned_officer_id:
        recipients = [alert.assigned_officer_id]
    else:
        recipients = list(User.objects.filter(role=User.Role.POLICE, is_active=True,
                                              jurisdiction=alert.assigned_station).values_list("pk", flat=True))
    event_id = alert.events.filter(action=AlertEvent.Action.DISPATCHED).order_by("-id").values_list("id", flat=True)[0]
    with translation.override(settings.LANGUAGE_CODE):
        what = alert.title if alert.venue.name in alert.title else f"{alert.venue.name}，{alert.title}"
        title = _("Alert dispatched to you: %(title)s") % {"title": what}
        body = _("Dispatched by %(by)s.") % {"by": by.get_full_name() or by.get_username()}
        if note:
            body += "\n" + note
    notices_send(specs=[NoticeSpec(user_id=uid, dedupe_key=f"alert-dispatch:{event_id}", kind="alert_dispatched",
                                   title=title, body=body, link=reverse("alerts:detail", args=[alert.pk]))
                        for uid in recipients if uid != by.pk])


def alert_handle(*, alert: Alert, by: User, feedback: str) -> Alert:
    feedback = feedback.strip()
    if not feedback:
        raise ValidationError(_("Write what was done: handling needs feedback."))
    return _transition(
        alert=alert, by=by, allowed_from=(Alert.Status.OPEN, Alert.Status.DISPATCHED), to=Alert.Status.HANDLED,
        action=AlertEvent.Action.HANDLED, note=feedback, fields={"feedback": feedback},
    )


def alert_close(*, alert: Alert, by: User, note: str = "") -> Alert:
    return _transition(
        alert=alert, by=by, allowed_from=(Alert.Status.HANDLED,), to=Alert.Status.CLOSED,
        action=AlertEvent.Action.CLOSED, note=note, fields={"closed_at": timezone.now()},
    )


def alert_dismiss(*, alert: Alert, by: User, reason: str, cause: str = Alert.DismissCause.OTHER) -> Alert:
    """Dismiss as a false alarm, with the officer's words and what lay behind it.

    A cause about the venue's own records (staff list out of date, an unmarked closure)
    acts on the venue: its manager is asked to put them right (``todo_records_context``),
    and the sign-in detector does not raise the same drop again until they change
    (``staff.detector``; each held-back finding is logged on this alert). Staff away for a
    holiday has no record behind it: the same drop is held back for two weeks, the manager
    asked for nothing. Thresholds are never touched. The cause is written into the history
    with the reason.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why this is a false alarm."))
    if cause not in Alert.DismissCause.values:
        raise ValidationError(_("Choose what lay behind the false alarm."))
    label = Alert.DismissCause(cause).label
    return _transition(
        alert=alert, by=by, allowed_from=Alert.ACTIVE_STATUSES, to=Alert.Status.DISMISSED,
        action=AlertEvent.Action.DISMISSED, note=f"{label}: {reason}",
        fields={"dismiss_reason": reason, "dismiss_cause": cause, "closed_at": timezone.now()},
    )
