"""The employee registry: list, export, detail, reveal, register, edit, import."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from audit.services import audit_record
from daodao.excel import xlsx_response
from daodao.html import select_options
from daodao.identifiers import normalize_phone
from daodao.paginator import LargeCountPaginator
from daodao.params import parse_id
from venues.models import Venue
from venues.selectors import venue_get_for_user

from ..forms import CorrectionForm, EmployeeForm, EndForm, ImportForm, ReasonForm
from ..imports import read_rows
from ..models import Employment, Transfer
from ..selectors import (
    corrections_for,
    employment_get_for_user,
    employment_list_for_user,
    employment_search,
    person_history_for_user,
    recent_signins_for,
)
from ..services import (
    ImportRefused,
    employee_register,
    employee_update,
    employees_import,
    transfer_confirm_days,
)
from .common import PAGE_SIZE, SEARCH_LIMIT

# --- Employee registry ----------------------------------------------------------

VENUE_PICK_MAX = 300  # more venues in scope than this: the filter is a name search, not a list


def _list_queryset(request: AuthedRequest) -> Any:
    qs = employment_list_for_user(request.user)
    status = request.GET.get("status", "current")
    if status == "current":
        qs = qs.current()
    elif status in Employment.Status.values:
        qs = qs.filter(status=status)
    venue = parse_id(request.GET.get("venue"))
    if venue is not None:
        qs = qs.filter(venue_id=venue)
    name = request.GET.get("venue_name", "").strip()[:100]
    if name:
        qs = qs.filter(venue__name__icontains=name)
    return qs.order_by("venue__name", "person__name", "id")


@login_required
def employee_list(request: AuthedRequest) -> HttpResponse:
    """Scoped list; the search form posts, so an ID number or phone never lands in a URL."""
    qs = _list_queryset(request)
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    if q:
        rows = list(employment_search(qs, q)[:SEARCH_LIMIT])
        page = None
    else:
        page = LargeCountPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page)
    query = request.GET.copy()
    query.pop("page", None)
    venues = Venue.objects.visible_to(request.user).order_by("name", "id").values_list("pk", "name")
    # A district's venues fit a list to pick from; a city's thousands are searched by name.
    first = list(venues[:VENUE_PICK_MAX + 1])
    few = len(first) <= VENUE_PICK_MAX
    return render(request, "staff/list.html", {
        "rows": rows, "page": page, "q": q, "query": query.urlencode(),
        "venue_options": select_options(first, selected=request.GET.get("venue", "")) if few else None,
        "venue_name": request.GET.get("venue_name", "").strip()[:100], "venue_id": parse_id(request.GET.get("venue")),
        "status": request.GET.get("status", "current"),
        "statuses": Employment.Status.choices, "search_limit": SEARCH_LIMIT,
        "can_export": request.user.sees_staff_ids,
        # Partner departments (fire, culture) see no ID numbers at all, not even masked.
        "hide_ids": not request.user.sees_staff_ids,
    })


@login_required
def employee_export(request: AuthedRequest) -> HttpResponse:
    if not request.user.sees_staff_ids:
        raise PermissionDenied
    qs = _list_queryset(request)
    audit_record(action="export", request=request,
                 detail={"what": "employees", "filters": {k: v for k, v in request.GET.items() if k != "page"},
                         "rows": qs.count()})
    # Exports carry masked identifiers only: a file travels further than a screen.
    rows = (
        (e.person.name, e.person.id_number_masked, e.person.get_gender_display(), e.person.birth_date,
         e.person.phone_masked, e.venue.name, e.position, e.get_status_display(), e.hired_on, e.left_on)
        for e in qs.iterator(chunk_size=500)
    )
    headers = [_("Full name"), _("ID number"), _("Gender"), _("Birth date"), _("Mobile phone"), _("Venue"),
               _("Position"), _("Status"), _("Hired on"), _("Left on")]
    return xlsx_response("employees", headers, rows)


def _detail_context(request: AuthedRequest, employment: Employment, **extra: Any) -> dict[str, Any]:
    can_write = request.user.may_write_employees(employment.venue)
    return {
        "e": employment, "person": employment.person, "can_write": can_write,
        "can_reveal": request.user.can_reveal_id_numbers, "hide_ids": not request.user.sees_staff_ids,
        "history": person_history_for_user(request.user, employment.person),
        "signins": recent_signins_for(employment), "corrections": corrections_for(employment),
        "activate_form": ReasonForm(), "end_form": EndForm(), "correction_form": CorrectionForm(),
        # A new venue registered this person: this venue confirms the leaving or keeps them.
        "transfers_out": list(Transfer.objects.open().filter(from_employment=employment)),
        # This registration waits for the previous venue (police see which one).
        "transfers_in": list(Transfer.objects.open().filter(to_employment=employment)
                             .select_related("from_employment__venue")),
        "transfer_days": transfer_confirm_days(), "is_police": request.user.works_police_side,
        **extra,
    }


@login_required
def employee_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    employment = employment_get_for_user(request.user, pk)
    return render(request, "staff/detail.html", _detail_context(request, employment))


@never_cache
@login_required
@require_POST
def employee_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """One click, one audited reveal; the number is shown in the response body only."""
    employment = employment_get_for_user(request.user, pk)
    if not request.user.can_reveal_id_numbers:
        raise PermissionDenied
    audit_record(action="id_reveal", request=request, target=employment.person,
                 detail={"employment": employment.pk, "venue": employment.venue_id})
    return render(request, "staff/detail.html", _detail_context(request, employment, revealed=True))


def _writable_venue(request: AuthedRequest, venue_pk: int) -> Venue:
    venue = venue_get_for_user(request.user, venue_pk)
    if not request.user.may_write_employees(venue):
        raise PermissionDenied
    return venue


@login_required
def employee_new(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    venue = _writable_venue(request, venue_pk)
    form = EmployeeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            employment = employee_register(by=request.user, venue=venue, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _(
                "Employee registered. Next, on their phone through the venue QR code: sign the pledge and pass "
                "the anti-drug exam; they start work once it is passed."))
            if Transfer.objects.open().filter(to_employment=employment).exists():
                messages.info(request, _(
                    "This person is still registered at another venue; that venue has been asked to confirm that "
                    "they left. Nothing changes for your registration."))
            if employment.person.phone != normalize_phone(form.cleaned_data["phone"]):
                messages.warning(request, _(
                    "The phone number differs from the one on record for this person, who also works elsewhere: "
                    "they sign in with the number on record. Only the police can change it."))
            return redirect("staff:detail", pk=employment.pk)
    return render(request, "staff/form.html", {"form": form, "venue": venue, "e": None})


def _add_errors(form: Any, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


@login_required
def employee_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    employment = employment_get_for_user(request.user, pk)
    if not request.user.may_write_employees(employment.venue):
        raise PermissionDenied
    initial = {"name": employment.person.name, "position": employment.position}
    form = EmployeeForm(request.POST or None, request.FILES or None, initial=initial, editing=True,
                        phone_masked=employment.person.phone_masked)
    if request.method == "POST" and form.is_valid():
        try:
            employee_update(by=request.user, employment=employment, request=request, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _(
                "The employee's record is saved. A new phone number is their sign-in credential from now on."))
            return redirect("staff:detail", pk=employment.pk)
    return render(request, "staff/form.html", {"form": form, "venue": employment.venue, "e": employment})


@login_required
def employee_import_template(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    """An empty workbook with the column names the import reads (no example row: an example
    imported by mistake would register a person)."""
    _writable_venue(request, venue_pk)
    return xlsx_response("employees-template", ["姓名", "身份证号", "手机号", "岗位", "入职日期"], [])


@login_required
def employee_import(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    venue = _writable_venue(request, venue_pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    row_errors = None
    if request.method == "POST" and form.is_valid():
        try:
            created = employees_import(by=request.user, venue=venue, rows=read_rows(form.cleaned_data["file"]),
                                       request=request)
        except ImportRefused as exc:
            row_errors = exc.row_errors
            form.add_error(None, exc.messages[0])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, ngettext(
                "%(n)d employee imported. Before starting work they sign the pledge and pass the exam from the "
                "poster's QR code; the venue page lists who still has to.",
                "%(n)d employees imported. Before starting work they sign the pledge and pass the exam from the "
                "poster's QR code; the venue page lists who still has to.", len(created)) % {"n": len(created)})
            return redirect(f"{reverse('staff:list')}?venue={venue.pk}")
    return render(request, "staff/import.html", {"form": form, "venue": venue, "row_errors": row_errors})
