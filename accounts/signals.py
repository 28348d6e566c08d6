"""Login audit. Django's auth signals are the only hook for these events."""

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record

from .middleware import LOGIN_AT, SEEN_AT


@receiver(user_logged_in)
def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = timezone.now().timestamp()
        request.session[LOGIN_AT] = now
        request.session[SEEN_AT] = now
    audit_record(action=AuditEvent.Action.LOGIN, request=request, actor=user)


@receiver(user_logged_out)
def on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit_record(action=AuditEvent.Action.LOGOUT, request=request, actor=user)


@receiver(user_login_failed)
def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The password is never recorded: Django already masks it, and we keep only the name.
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        request=getattr(request, "_request", request),
        username=str(credentials.get("username", ""))[:150],
    )
