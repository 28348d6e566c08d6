from datetime import date
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from daodao.clientip import client_ip
from daodao.partitions import Layout, maintain

from .models import AuditEvent

# client_ip lives in daodao.clientip (one rule for the audit log, axes and rate limits);
# callers that import it from here get the same function.


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the request's user.

    Never put an ID number or phone into ``detail``: name the record instead.
    """
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuditEvent.objects.create(
        actor=actor,
        actor_username=(actor.get_username() if actor is not None else username)[:150],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:200] if target is not None else "",
        ip=client_ip(request),
        detail=detail or {},
    )


# --- Retention -----------------------------------------------------------------------

AUDIT_EVENTS = Layout(table="audit_auditevent", column="at", timestamptz=True)


def audit_partitions_maintain(*, today: date | None = None) -> dict[str, list[str]]:
    """Nightly, idempotent: partitions for this month and DAODAO_PARTITION_MONTHS_AHEAD more;
    months older than DAODAO_AUDIT_RETENTION_MONTHS detached to the ``archive`` schema."""
    return maintain(AUDIT_EVENTS, retention_setting="DAODAO_AUDIT_RETENTION_MONTHS",
                    today=today or timezone.localdate())
