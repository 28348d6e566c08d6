from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import may
from accounts.models import Jurisdiction, User
from audit.models import AuditEvent
from audit.services import audit_record
from daodao.excel import Sheet, export_title, xlsx_sheets_response
from daodao.params import parse_id, parse_int
from daodao.qrcode import qr_svg
from daodao.ui import PLAQUE_PANELS, render_panels
from venues.models import Venue
from venues.selectors import area_from_request, stations_for_user, venue_get_for_user

from . import selectors, services
from .facts import FACTS
from .forms import AdjustmentForm, RuleSetForm
from .models import Rating, RuleSet, Tier
from .periods import quarter_display, quarter_of


def _rules_jurisdiction(request: AuthedRequest) -> Jurisdiction | None:
    user = request.user
    if user.is_manager:
        venue = Venue.objects.visible_to(user).select_related("station").first()
        return venue.station if venue else None
    visible = Jurisdiction.objects.visible_to(user)
    if request.GET.get("jurisdiction"):
        return get_object_or_404(visible, pk=parse_id(request.GET["jurisdiction"]) or 0)
    return user.jurisdiction or visible.filter(level=Jurisdiction.Level.CITY).first()


@login_required
def rules(request: AuthedRequest) -> HttpResponse:
    """The applicable rules: every user reads them (venues learn how to improve); narcotics
    officers save a new version for their own jurisdiction."""
    place = _rules_jurisdiction(request)
    current = services.ruleset_for_jurisdiction(place) if place else None
    user = request.user
    can_edit = place is not None and user.may_change_rating_rules(place)
    form = RuleSetForm(request.POST or None, base=current) if can_edit else None
    if request.method == "POST":
        if form is None or place is None:
            raise PermissionDenied
        if form.is_valid():
            settings, rules = form.parsed()
            try:
                services.ruleset_new_version(by=user, jurisdiction=place, settings=settings, rules=rules,
                                             note=form.cleaned_data["note"], request=request)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("New version saved. Scores move at the next recomputation."))
                return redirect(f"{reverse('ratings:rules')}?jurisdiction={place.pk}")
    rule_rows = []
    if current:
        for r in current.rules.all():
            rule_rows.append({"rule": r, "has_source": r.code in FACTS})
    versions = RuleSet.objects.filter(jurisdiction=current.jurisdiction).select_related("created_by")[:10] \
        if current else []
    return render(request, "ratings/rules.html", {
        "place": place, "rule_set": current, "rule_rows": rule_rows, "form": form, "versions": versions,
        "inherited": current is not None and place is not None and current.jurisdiction_id != place.pk,
    })


def _due_filters(request: AuthedRequest) -> dict[str, Any]:
    """The due list's filters from the query string, each checked against the user's scope."""
    user = request.user
    stations = stations_for_user(user)
    station = None
    if request.GET.get("station"):
        station = get_object_or_404(stations, pk=parse_id(request.GET["station"]) or 0)
    officers = User.objects.filter(role=User.Role.POLICE, is_active=True).filter(
        Q(jurisdiction__path__startswith=user.jurisdiction.path) if user.jurisdiction is not None else Q())
    officer = None
    if request.GET.get("officer"):
        officer = get_object_or_404(officers, pk=parse_id(request.GET["officer"]) or 0)
    within = parse_int(request.GET.get("within", ""), hi=3660)
    tier = int(request.GET["tier"]) if request.GET.get("tier", "") in {str(t) for t in Tier.values} else None
    area = area_from_request(request)
    qs = selectors.due_list(user, station=station, officer=officer, area=area, within=within, tier=tier)
    return {"qs": qs, "stations": stations, "station": station, "officers": officers, "officer": officer,
            "within": within, "tier": tier, "area": area}


def _unit(venue: Venue) -> str:
    """The issuing unit on a plaque: the district of the venue's police station."""
    district = venue.station.parent
    return district.name if district is not None else venue.station.name


@login_required
def due(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if not may(user, "works_police_side"):
        raise Http404
    f = _due_filters(request)
    qs, station, officer, within, tier = f["qs"], f["station"], f["officer"], f["within"], f["tier"]
    stations, officers = f["stations"], f["officers"]
    if request.method == "POST":
        ids = [i for i in map(parse_id, request.POST.getlist("venue")) if i is not None]
        planned = services.due_inspections_plan(standings=list(qs.filter(venue_id__in=ids)),
                                                assignee=officer or user, by=user)
        messages.success(request, ngettext(
            "%(n)d inspection planned: it shows on the inspection plan and on the assigned officer's work list.",
            "%(n)d inspections planned: they show on the inspection plan and on the assigned officer's work list.",
            len(planned)) % {"n": len(planned)})
        return redirect(request.get_full_path())
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    return render(request, "ratings/due.html", {
        "page": page, "stations": stations, "station": station, "officers": officers, "officer": officer,
        "today": today, "soon": today + timedelta(days=7), "can_plan": user.works_police_side,
        "query": request.GET.urlencode(), "tiers": Tier.choices, "within": within, "tier": tier,
        "area": request.GET.get("area", ""),
    })


@login_required
def due_export(request: AuthedRequest) -> HttpResponse:
    """The due list as filtered on the page, same scope, audited."""
    user = request.user
    if not may(user, "works_police_side"):
        raise Http404
    f = _due_filters(request)
    qs = f["qs"]
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "inspections_due", "filters": {k: v for k, v in request.GET.items() if k != "page"},
                         "rows": qs.count()})
    today = timezone.localdate()
    filters = [(_("District or station"), f["area"].name if f["area"] else ""),
               (_("Police station"), f["station"].name if f["station"] else ""),
               (_("Officer"), str(f["officer"] or "")),
               (_("Tier"), Tier(f["tier"]).label if f["tier"] is not None else ""),
               (_("Due"), _("this week (overdue included)") if f["within"] == selectors.DUE_WEEK_DAYS else "")]
    return xlsx_sheets_response("inspections-due", [Sheet(
        name=_("Inspections due"), title=export_title(what=_("Inspections due"), user=user, filters=filters),
        widths=(26, 14, 10, 8, 8, 12, 12, 8),
        headers=[_("Venue"), _("Police station"), _("Tier"), _("Score"), _("Colour"), _("Last inspection"),
                 _("Due"), _("Overdue")],
        rows=((s.venue.name, s.venue.station.name, s.get_tier_display(), s.score, s.get_colour_display(),
               s.last_inspection_on, s.next_due_on, _("yes") if s.next_due_on < today else "")
              for s in qs.iterator(chunk_size=500)))])


@login_required
@require_POST
def adjust(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    if not may(request.user, "works_police_side"):
        raise PermissionDenied
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        try:
            services.adjustment_create(by=request.user, venue=venue, request=request, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            services.standings_refresh_venue(venue_id=venue.pk)
            messages.success(request, _("Adjustment recorded; the score is updated."))
    else:
        messages.error(request, _("Please give a date, non-zero points and a reason."))
    return redirect("venues:detail", pk=venue.pk)


@login_required
def plaque(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    rating = Rating.objects.filter(venue=venue, is_final=True).order_by("-period_start").first()
    url = request.build_absolute_uri(reverse("rating_plaque_public", args=[rating.plaque_token])) if rating else ""
    return render(request, "ratings/plaque.html", {
        "venue": venue, "rating": rating, "qr": qr_svg(url) if rating else "",
        "period": quarter_display(rating.period_start) if rating else "", "stars": range(rating.tier if rating else 0),
    })


def plaque_public(request: AuthedRequest, token: str) -> HttpResponse:
    """What a scanned plaque shows: the venue's name, star level and validity. Nothing else."""
    rating = get_object_or_404(Rating.objects.select_related("venue__station__parent"), plaque_token=token,
                               is_final=True)
    status = selectors.plaque_status(rating)
    # As the FSA shows the inspection date on every rating: when it was made, for which
    # period, by whom, until when; and plainly whether it still describes the venue.
    _start, valid_until = quarter_of(rating.period_end + timedelta(days=1))
    pending = Rating.objects.filter(venue_id=rating.venue_id, is_final=False,
                                    period_start__gt=rating.period_start).exists()
    return render(request, "ratings/plaque_public.html", {
        "name": rating.venue.name, "tier": Tier(rating.tier).label, "stars": range(rating.tier),
        "period": quarter_display(rating.period_start), "status": status, "rating": rating,
        "valid_until": valid_until, "unit": _unit(rating.venue),
        "suspended": rating.venue.status != Venue.Status.OPERATING, "pending": pending,
        # The venue's right to reply and its appeal's outcome (appeals app), beside the rating.
        "panels": render_panels(PLAQUE_PANELS, rating),
    })


