from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Notice


def unread(request: HttpRequest) -> dict[str, Any]:
    """The unread counter in the navigation; counted only when a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": SimpleLazyObject(
        lambda: Notice.objects.filter(user=user, read_at__isnull=True).count())}
