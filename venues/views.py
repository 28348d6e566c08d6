from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from audit.models import AuditEvent
from audit.services import audit_record
from daodao import ui
from daodao.excel import Sheet, export_title, filterset_summary, xlsx_sheets_response
from daodao.qrcode import qr_svg

from .filters import VenueFilter
from .forms import VenueForm
from .maps import MAX_DOTS, MapRow, grouped_markup, points_markup, project
from .models import Venue
from .selectors import venue_counts_for_user, venue_get_for_user, venue_list_for_user
from .services import venue_create, venue_rotate_token, venue_update

PAGE_SIZE = 25


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.is_manager:
        venues = list(venue_list_for_user(user))
        if len(venues) == 1:
            return redirect("venues:detail", pk=venues[0].pk)
        return render(request, "home_manager.html", {"venues": venues})
    if user.is_social_worker:
        # Their work is the hair self-test rounds of their town/street; they read no venue registry.
        return redirect("hairtests:list")
    return render(request, "home.html", {
        "counts": venue_counts_for_user(user), "panels": ui.render_panels(ui.DASHBOARD_PANELS, request),
    })


@login_required
def venue_list(request: AuthedRequest) -> HttpResponse:
    filterset = VenueFilter(request.GET, queryset=venue_list_for_user(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "venues/list.html", {
        "filter": filterset, "page": page, "query": query.urlencode(),
        "can_create": request.user.can_manage_venues,
    })


@login_required
def venue_map(request: AuthedRequest) -> HttpResponse:
    filterset = VenueFilter(request.GET, queryset=venue_list_for_user(request.user), request=request)
    # Thousands of dots: plain rows, not model instances, and the markup built in one pass.
    venues = [MapRow(*row) for row in filterset.qs.order_by("pk").values_list(
        "pk", "name", "type", "status", "latitude", "longitude")]
    geometry = project(venues)
    types = dict(Venue.Type.choices)
    grouped = len(geometry["points"]) > MAX_DOTS
    svg = grouped_markup(geometry["points"]) if grouped else points_markup(
        geometry["points"], lambda v: f"{v.name} · {types.get(v.type, '')}")
    return render(request, "venues/map.html", {
        "filter": filterset, "map": geometry, "svg": svg, "count": len(venues), "legend": Venue.Status.choices,
        "grouped": grouped,
    })


@login_required
def venue_export(request: AuthedRequest) -> HttpResponse:
    if request.user.is_manager:
        raise PermissionDenied
    filterset = VenueFilter(request.GET, queryset=venue_list_for_user(request.user), request=request)
    venues = filterset.qs
    audit_record(action=AuditEvent.Action.EXPORT, request=request,
                 detail={"what": "venues", "filters": {k: v for k, v in request.GET.items() if k != "page"},
                         "rows": venues.count()})
    def standing(v: Venue) -> tuple[Any, Any, Any]:
        st = getattr(v, "standing", None)
        return (st.get_tier_display(), st.score, st.get_colour_display()) if st else ("", None, "")

    rows = (
        (v.name, v.get_type_display(), v.licence_no, v.address, v.station.parent.name if v.station.parent else "",
         v.station.name,
         v.contact_phone, v.get_status_display(), *standing(v), v.expected_headcount, v.opened_on)
        for v in venues.iterator(chunk_size=500)
    )
    headers = [_("Name"), _("Type"), _("Business licence number"), _("Address"), _("District"),
               _("Police station"), _("Contact phone"), _("Status"), _("Star tier"), _("Score"), _("Colour"),
               _("Expected headcount"), _("Opened on")]
    return xlsx_sheets_response("venues", [Sheet(
        name=_("Venues"), title=export_title(what=_("Venues"), user=request.user,
                                             filters=filterset_summary(filterset)),
        headers=headers, rows=rows, widths=(26, 10, 22, 30, 10, 14, 14, 10, 10, 8, 8, 10, 12))])


@login_required
def venue_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    return render(request, "venues/detail.html", {
        "venue": venue, "managers": venue.managers.all(), "can_edit": request.user.can_manage_venues,
        "panels": ui.render_panels(ui.VENUE_PANELS, request, venue),
        # The manager's morning: what to do today comes first, the records below.
        "todo": ui.render_panels(ui.VENUE_TO_DO_PANELS, request, venue) if request.user.is_manager else None,
    })


@login_required
def venue_new(request: AuthedRequest) -> HttpResponse:
    if not request.user.can_manage_venues:
        raise PermissionDenied
    form = VenueForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        managers = data.pop("managers")
        try:
            venue = venue_create(by=request.user, data=data, managers=managers, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("%(venue)s is registered. Print its sign-in poster from this page and "
                                        "register its employees next.") % {"venue": venue.name})
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "venues/form.html", {"form": form, "venue": None})


@login_required
def venue_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    if not request.user.can_manage_venues:
        raise PermissionDenied
    # The form works on a copy so a failed validation leaves the shown record untouched.
    form = VenueForm(request.POST or None, instance=Venue.objects.get(pk=venue.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        managers = data.pop("managers")
        try:
            venue_update(venue=venue, by=request.user, data=data, managers=managers, request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes to %(venue)s are saved.") % {"venue": venue.name})
            return redirect("venues:detail", pk=venue.pk)
    return render(request, "venues/form.html", {"form": form, "venue": venue})


@login_required
def venue_poster(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    url = request.build_absolute_uri(reverse("signin", args=[venue.signin_token]))
    return render(request, "venues/poster.html", {"venue": venue, "qr": qr_svg(url), "signin_url": url})


@login_required
@require_POST
def venue_rotate(request: AuthedRequest, pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, pk)
    if not request.user.can_manage_venues:
        raise PermissionDenied
    venue_rotate_token(venue=venue, by=request.user, request=request)
    messages.success(request, _("A new sign-in QR code was issued; print the new poster, the old one no longer works."))
    return redirect("venues:detail", pk=venue.pk)

