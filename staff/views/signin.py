"""The public sign-in page the poster's QR code opens (employees have no account)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from daodao.clientip import client_ip
from venues.selectors import poster_unavailable

from ..employee_session import employee_remember
from ..forms import SignInForm
from ..identify import SignInRefused
from ..models import SignIn
from ..selectors import (
    venue_for_signin,
)
from ..services import (
    signin_record,
)

# --- The public sign-in page (the poster's QR code) -----------------------------

@never_cache
def signin_page(request: HttpRequest, token: str) -> HttpResponse:
    """Where the poster's QR code lands: public, employees have no account."""
    venue = venue_for_signin(token)
    if venue is None:
        raise poster_unavailable(token)
    form = SignInForm(request.POST or None)
    result: dict[str, Any] | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            r = signin_record(venue=venue, id_number=form.cleaned_data["id_number"],
                              phone=form.cleaned_data["phone"], lat=form.cleaned_data["lat"],
                              lng=form.cleaned_data["lng"], source=SignIn.Source.WEB, ip=client_ip(request))
        except SignInRefused as exc:
            status = 429 if exc.code == "rate_limited" else 200
            result = {"ok": False, "message": exc.messages[0]}
        else:
            # The pledge and exam pages of this visit need not ask again (session only,
            # never the URL; staff.employee_session).
            employee_remember(request, employment_id=r.who.employment_id, venue_id=venue.pk)
            pending = r.who.pending
            result = {"ok": True, "signin": r.signin, "name": r.who.name,
                      "far": r.signin.far_from_venue, "pending": pending,
                      "message": _("Signed in. Have a good shift!") if r.created and not pending
                      else _("Signed in.") if r.created
                      else _("Already signed in today. Nothing more to do.") if not pending
                      else _("Already signed in today.")}
    return render(request, "staff/signin.html", {"venue": venue, "form": form, "result": result,
                                                 "today": timezone.localdate()}, status=status)
