"""The venue's daily self-inspection page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.authed import AuthedRequest
from venues.selectors import venue_get_for_user

from .. import selectors, services
from ..models import Checklist, ItemResult
from .common import _answers, _check_photos, _errors

# --- Venue: daily self-inspection ----------------------------------------------------

@login_required
def self_inspection(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, venue_pk)
    if not (request.user.manages(venue) or request.user.is_system_admin):
        raise PermissionDenied
    checklist = selectors.current_checklists().get(Checklist.Kind.SELF)
    today = timezone.localdate()
    existing = venue.self_inspections.filter(day=today).first()
    if request.method == "POST" and existing is None:
        try:
            _check_photos(request)
            services.selfinspection_submit(venue=venue, by=request.user, answers=_answers(request, checklist),
                                           request=request)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("Today's self-inspection is submitted. Any problem you marked stays on "
                                        "the venue page until you record how it was addressed."))
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "inspections/self_inspection.html", {
        "venue": venue, "checklist": checklist, "existing": existing, "today": today,
        "results": ItemResult.Result.choices, "posted": request.POST,
    })
