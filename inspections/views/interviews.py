"""Interview tasks, interview records and sanctions (police only)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from daodao.params import parse_id
from venues.scoping import area_scope
from venues.selectors import area_from_request, venue_get_for_user

from .. import selectors, services
from ..forms import (
    InterviewForm,
    SanctionForm,
)
from ..models import InterviewTask
from .common import _errors

# --- Interviews, tasks, sanctions ---------------------------------------------------

@login_required
def tasks(request: AuthedRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    open_tasks = selectors.tasks_for_user(request.user).filter(
        area_scope(request.user, area_from_request(request), "venue__"), status=InterviewTask.Status.OPEN)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "inspections/tasks.html", {
        "tasks": Paginator(open_tasks.order_by("due_on", "id"), 50).get_page(request.GET.get("page")),
        "query": query.urlencode(),
        "interviews": selectors.interviews_for_user(request.user)[:30],
        "today": timezone.localdate(),
    })


@login_required
def interview_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, "works_police_side")
    task = None
    if request.GET.get("task") or request.POST.get("task"):
        task = get_object_or_404(selectors.tasks_for_user(request.user),
                                 pk=parse_id(request.GET.get("task") or request.POST.get("task")) or 0)
        venue = task.venue
    else:
        venue = venue_get_for_user(request.user, parse_id(request.GET.get("venue") or request.POST.get("venue")) or 0)
    form = InterviewForm(request.POST or None, request.FILES or None, initial={
        "reason": task.reason if task else None, "held_on": timezone.localdate(),
    })
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            interview = services.interview_record(
                venue=venue, by=request.user, attendee=d["attendee"], reason=d["reason"], held_on=d["held_on"],
                summary=d["summary"], commitments=d["commitments"], signed_note=d["signed_note"], task=task,
                request=request,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The interview with %(venue)s is recorded; print the record for signing "
                                        "from its page.") % {"venue": venue.name})
            return redirect("inspections:interview", pk=interview.pk)
    return render(request, "inspections/interview_form.html", {"form": form, "venue": venue, "task": task})


@login_required
def interview(request: AuthedRequest, pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    iv = get_object_or_404(selectors.interviews_for_user(request.user), pk=pk)
    return render(request, "inspections/interview.html", {"interview": iv})


@login_required
@require_POST
def sanction(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    require(request.user, "works_police_side")
    venue = venue_get_for_user(request.user, venue_pk)
    form = SanctionForm(request.POST)
    if form.is_valid():
        try:
            services.sanction_issue(venue=venue, by=request.user, kind=form.cleaned_data["kind"],
                                    reason=form.cleaned_data["reason"], request=request)
            messages.success(request, _("The measure is recorded on the venue's timeline."))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("venues:detail", pk=venue.pk)
