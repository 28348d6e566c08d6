from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from ratings.models import Tier
from ratings.periods import quarter_display

from . import selectors, services
from .forms import AppealForm, DecisionForm, ReplyForm, RevisitForm, ScheduleForm
from .models import Appeal, RatingReply, RevisitRequest

PAGE_SIZE = 25
STATUSES = ("open", "overdue", "decided", "withdrawn")


@login_required
def appeal_list(request: AuthedRequest) -> HttpResponse:
    """Appeals and re-visit requests in scope. Officers: open ones first (overdue marked),
    re-visits to schedule. Managers: their appeals, and the ratings they may still appeal."""
    user = request.user
    require(user, "sees_appeals")
    status = request.GET.get("status", "")
    status = status if status in STATUSES else ""
    qs = selectors.appeal_list_filter(selectors.appeals_for_user(user), status)
    if user.works_police_side:
        # Waiting appeals first, soonest due first; then the decided and withdrawn, newest first.
        qs = qs.order_by(Case(When(status=Appeal.Status.OPEN, then=0), default=1), "decide_by", "-filed_at")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    revisits = list(selectors.revisits_for_user(user).select_related("inspection")[:20])
    appealable = [(r, quarter_display(r.period_start), selectors.window_ends(r))
                  for r in selectors.appealable_ratings(user)[:10]]
    return render(request, "appeals/list.html", {
        "page": page, "status": status, "revisits": revisits, "appealable": appealable,
        "schedule_form": ScheduleForm() if user.works_police_side and user.may_inspect else None,
        "statuses": [("", _("All")), ("open", _("Awaiting decision")), ("overdue", _("Decision overdue")),
                     ("decided", _("Decided")), ("withdrawn", _("Withdrawn by the venue"))],
        "today": timezone.localdate(),
    })


@login_required
def appeal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """One appeal; a narcotics officer who did not record the contested facts decides it here."""
    user = request.user
    appeal = selectors.appeal_get_for_user(user, pk)
    may_decide = (appeal.status == Appeal.Status.OPEN and user.decides_appeals
                  and user.pk not in selectors.contested_recorders(appeal.rating, appeal.deduction))
    form = DecisionForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.appeal_decide(appeal=appeal, by=user, outcome=d["outcome"], reasons=d["reasons"],
                                       points=d["points"], request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The decision is recorded and the venue is told."))
                return redirect("appeals:detail", pk=appeal.pk)
    recorded_it = (appeal.status == Appeal.Status.OPEN and user.decides_appeals and not may_decide)
    return render(request, "appeals/detail.html", {
        "appeal": appeal, "form": form, "recorded_it": recorded_it,
        "may_withdraw": appeal.status == Appeal.Status.OPEN and user.manages(appeal.venue),
        "period": quarter_display(appeal.rating.period_start), "attachments": list(appeal.attachments.all()),
        "tier_before": Tier(appeal.tier_before).label,
        "tier_after": Tier(appeal.tier_after).label if appeal.tier_after is not None else "",
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def appeal_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    """A manager withdraws the venue's appeal while it waits for a decision."""
    appeal = selectors.appeal_get_for_user(request.user, pk)
    try:
        services.appeal_withdraw(appeal=appeal, by=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The appeal is withdrawn and the police are told. The rating stays as it "
                                    "was; you may appeal again until the appeal window closes."))
    return redirect("appeals:detail", pk=appeal.pk)


@login_required
def appeal_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A manager appeals a frozen rating of their venue, or one of its deductions."""
    user = request.user
    rating = selectors.managed_rating_get(user, pk)
    form = AppealForm(request.POST or None, rating=rating)
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_file(by=user, rating=rating, deduction=form.cleaned_data["deduction"],
                                          reasons=form.cleaned_data["reasons"],
                                          attachments=request.FILES.getlist("attachments"), request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your appeal is filed. A narcotics officer of the district will decide "
                                        "it by %(date)s.") % {"date": appeal.decide_by.isoformat()})
            return redirect("appeals:detail", pk=appeal.pk)
    return render(request, "appeals/new.html", {
        "rating": rating, "form": form, "period": quarter_display(rating.period_start),
        "tier": Tier(rating.tier).label, "window_ends": selectors.window_ends(rating),
        "max_files": services.MAX_ATTACHMENTS,
    })


@login_required
def reply(request: AuthedRequest, pk: int) -> HttpResponse:
    """A manager publishes (or replaces) the venue's reply beside a frozen rating."""
    user = request.user
    rating = selectors.managed_rating_get(user, pk)
    current = RatingReply.objects.filter(rating=rating).first()
    form = ReplyForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.rating_reply_publish(by=user, rating=rating, text=form.cleaned_data["text"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your reply is published beside the rating."))
            return redirect("venues:detail", pk=rating.venue_id)
    return render(request, "appeals/reply.html", {
        "rating": rating, "form": form, "current": current, "period": quarter_display(rating.period_start),
        "tier": Tier(rating.tier).label,
    })


@login_required
def revisit_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """A manager asks for a re-visit after rectifying."""
    user = request.user
    venue = selectors.managed_venue_get(user, pk)
    form = RevisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revisit_request(by=user, venue=venue, rectified=form.cleaned_data["rectified"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your request is sent to the district's narcotics officers."))
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "appeals/revisit.html", {
        "venue": venue, "form": form, "eligible": selectors.revisit_eligible(venue),
        "waiting": RevisitRequest.objects.filter(venue=venue, status=RevisitRequest.Status.REQUESTED).exists(),
    })


@login_required
@require_POST
def revisit_schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    revisit = selectors.revisit_get_for_user(user, pk)
    if not (user.works_police_side and user.may_inspect):
        raise PermissionDenied
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day of the re-visit."))
    else:
        try:
            services.revisit_schedule(by=user, revisit=revisit, planned_for=form.cleaned_data["planned_for"],
                                      request=request)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The re-visit of %(venue)s is planned as a routine inspection.") % {
                "venue": revisit.venue.name})
    return redirect("appeals:list")
