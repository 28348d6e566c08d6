"""Transfers: a person registered at a new venue while employed at another; confirmed, kept, or settled nightly."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.services import audit_record

from ..models import Employment, SignIn, Transfer
from .common import _check_may_write
from .employees import transfer_confirm_days

# --- Transfers (a person registered at a new venue while employed at another) -----

def _transfer_close(*, transfer: Transfer, state: str, resolution: str, by: User | None) -> bool:
    return bool(Transfer.objects.filter(pk=transfer.pk, state=Transfer.State.OPEN).update(
        state=state, resolution=resolution, resolved_at=timezone.now(), resolved_by=by))


@transaction.atomic
def transfer_confirm(*, transfer: Transfer, by: User, left_on: date | None = None,
                     request: HttpRequest | None = None) -> Transfer:
    """The previous venue (its manager, or the police) confirms the person left."""
    previous = Employment.objects.select_related("venue").get(pk=transfer.from_employment_id)
    _check_may_write(by, previous.venue)
    if not _transfer_close(transfer=transfer, state=Transfer.State.ENDED, resolution=Transfer.Resolution.CONFIRMED,
                           by=by):
        raise ValidationError(_("This transfer has already been settled."))
    left_on = left_on or max(transfer.opened_on, previous.hired_on)
    if left_on < previous.hired_on:
        raise ValidationError({"left_on": _("The leaving date cannot be before the hiring date.")})
    Employment.objects.filter(pk=previous.pk, status__in=Employment.CURRENT_STATUSES).update(
        status=Employment.Status.LEFT, left_on=left_on, updated_at=timezone.now())
    audit_record(action="employment_end", request=request, actor=by, target=previous,
                 detail={"reason": "transfer confirmed", "transfer": transfer.pk})
    transfer.refresh_from_db()
    return transfer


@transaction.atomic
def transfer_keep(*, transfer: Transfer, by: User, request: HttpRequest | None = None) -> Transfer:
    """The previous venue says the person still works there too (part-time): nothing ends."""
    previous = Employment.objects.select_related("venue").get(pk=transfer.from_employment_id)
    _check_may_write(by, previous.venue)
    if not _transfer_close(transfer=transfer, state=Transfer.State.KEPT, resolution=Transfer.Resolution.KEPT, by=by):
        raise ValidationError(_("This transfer has already been settled."))
    audit_record(action="transfer_keep", request=request, actor=by, target=previous,
                 detail={"transfer": transfer.pk})
    transfer.refresh_from_db()
    return transfer


def transfers_resolve_due(*, today: date | None = None) -> dict[str, int]:
    """Nightly: settle the open transfers nobody answered. Set-based and idempotent.

    1. Transfers made moot by an employment ending otherwise are closed.
    2. Of those open for ``DAODAO_TRANSFER_CONFIRM_DAYS`` days or more: a person who signed in
       at the previous venue since the new registration still works there (``kept``); for
       the rest the previous employment ends on the day of the new registration.
    Each step claims rows with a conditional UPDATE, so two runs at once do the work once.
    """
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=transfer_confirm_days())
    now = timezone.now()
    left = Employment.Status.LEFT
    counts = {}
    with transaction.atomic():
        counts["moot"] = (
            Transfer.objects.open().filter(from_employment__status=left).update(
                state=Transfer.State.ENDED, resolution=Transfer.Resolution.ENDED_ELSEWHERE, resolved_at=now)
            + Transfer.objects.open().filter(to_employment__status=left).update(
                state=Transfer.State.KEPT, resolution=Transfer.Resolution.ENDED_ELSEWHERE, resolved_at=now))
        due = Transfer.objects.open().filter(opened_on__lte=cutoff)
        signed_in = Exists(SignIn.objects.filter(person_id=OuterRef("person_id"),
                                                 venue_id=OuterRef("from_employment__venue_id"),
                                                 day__gte=OuterRef("opened_on")))
        counts["kept"] = due.filter(signed_in).update(state=Transfer.State.KEPT,
                                                      resolution=Transfer.Resolution.STILL_SIGNING, resolved_at=now)
        ending = list(due.select_for_update(skip_locked=True).values_list("pk", "from_employment_id", "opened_on"))
        claimed = Transfer.objects.filter(pk__in=[t[0] for t in ending], state=Transfer.State.OPEN).update(
            state=Transfer.State.ENDED, resolution=Transfer.Resolution.NO_SIGNIN, resolved_at=now)
        opened = Subquery(Transfer.objects.filter(pk__in=[t[0] for t in ending], from_employment=OuterRef("pk"))
                          .order_by("opened_on").values("opened_on")[:1])
        ended = Employment.objects.filter(pk__in=[t[1] for t in ending], status__in=Employment.CURRENT_STATUSES)
        counts["ended"] = ended.update(status=left, left_on=Greatest(F("hired_on"), opened), updated_at=now)
        if claimed:
            audit_record(action="employment_end", detail={"reason": "transfer not answered in time",
                                                          "employments": [t[1] for t in ending]})
    return counts
