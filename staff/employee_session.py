"""The employee's short-lived identity on the venue's QR pages (pledge, exam).

Employees have no account. On the venue's page they identify once with ID number and
phone (rate limited like sign-in); the session then holds only the employment id, the
venue and a time, for 30 minutes. Nothing identifying travels in a URL.
"""

import time
from typing import Any

from django.http import HttpRequest

from .models import Employment

KEY = "daodao_employee"
LIFETIME = 30 * 60


def employee_remember(request: HttpRequest, *, employment_id: int, venue_id: int) -> None:
    request.session.cycle_key()
    request.session[KEY] = {"employment": employment_id, "venue": venue_id, "at": time.time()}


def employee_current(request: HttpRequest, venue: Any) -> Employment | None:
    data = request.session.get(KEY)
    if not data or data.get("venue") != venue.pk or time.time() - data.get("at", 0) > LIFETIME:
        return None
    return (Employment.objects.current().select_related("person", "venue")
            .filter(pk=data["employment"], venue=venue).first())


def employee_forget(request: HttpRequest) -> None:
    request.session.pop(KEY, None)
