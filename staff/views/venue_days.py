"""A venue's sign-ins by day, closing and reopening days."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from venues.selectors import venue_get_for_user

from ..charts import bar_chart
from ..forms import CloseDayForm
from ..selectors import (
    refusals_today_for,
    today_signins_for,
    venue_days_series,
    venue_headcount,
)
from ..services import (
    venue_day_close,
    venue_day_reopen,
)

# --- A venue's sign-ins ---------------------------------------------------------

@login_required
def venue_signins(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, venue_pk)
    can_write = request.user.may_write_employees(venue)
    form = CloseDayForm(request.POST or None)
    if request.method == "POST":
        if not can_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                venue_day_close(venue=venue, day=form.cleaned_data["day"], by=request.user,
                                reason=form.cleaned_data["reason"], request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(venue)s is marked closed on %(day)s: that day is not counted as "
                                            "missing sign-ins and raises no alert.") % {
                    "venue": venue.name, "day": date_format(form.cleaned_data["day"])})
                return redirect("staff:venue_signins", venue_pk=venue.pk)
    series = venue_days_series(venue, days=28)
    return render(request, "staff/venue_signins.html", {
        "venue": venue, "series": list(reversed(series)), "chart": bar_chart(series),
        "today": today_signins_for(venue), "headcount": venue_headcount(venue), "form": form,
        "refusals": refusals_today_for(venue),
        "can_write": can_write,
    })


@login_required
@require_POST
def venue_reopen(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, venue_pk)
    form = CloseDayForm({"day": request.POST.get("day"), "reason": "-"})
    if not request.user.may_write_employees(venue):
        raise PermissionDenied
    if form.is_valid():
        venue_day_reopen(venue=venue, day=form.cleaned_data["day"], by=request.user, request=request)
        messages.success(request, _("%(venue)s is open again on %(day)s: its sign-ins count as usual.") % {
            "venue": venue.name, "day": date_format(form.cleaned_data["day"])})
    return redirect("staff:venue_signins", venue_pk=venue.pk)
