"""The employee's short-lived identity on the venue's QR pages (pledge, exam).

Employees have no account. On the venue's page they identify once with ID number and
phone (rate limited like sign-in); the session then holds only the employment id, the
venue and a time, for 30 minutes. Nothing identifying travels in a URL.
"""

import time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from daodao.clientip import client_ip

from .forms import SignInForm
from .identify import SignInRefused, employee_identify
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


def employee_identify_page(request: HttpRequest, venue: Any, *, source: str,
                           purpose: str) -> tuple[Any, HttpResponse | None]:
    """Return (employment, None) once identified, or (None, the identification page).

    ``source`` is a ``SignInRefusal.Source`` (pledge, exam), ``purpose`` the page's title;
    identification itself is the one shared service, ``staff.identify.employee_identify``
    (the same limits and answers as sign-in).
    """
    current = employee_current(request, venue)
    if current is not None:
        return current, None
    form = SignInForm(request.POST or None)
    message, status = "", 200
    if request.method == "POST" and "id_number" in request.POST and form.is_valid():
        try:
            who = employee_identify(venue=venue, id_number=form.cleaned_data["id_number"],
                                    phone=form.cleaned_data["phone"], ip=client_ip(request),
                                    source=source)
        except SignInRefused as exc:
            message, status = exc.messages[0], 429 if exc.code == "rate_limited" else 200
        else:
            employment = who.employment()
            employee_remember(request, employment_id=employment.pk, venue_id=employment.venue_id)
            return employment, None
    return None, render(request, "staff/employee_identify.html",
                        {"venue": venue, "form": form, "message": message, "purpose": purpose}, status=status)
