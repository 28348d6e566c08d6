from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from audit.services import audit_record
from daodao.clientip import client_ip
from daodao.excel import xlsx_response
from daodao.identifiers import normalize_phone
from daodao.params import parse_id
from venues.models import Venue
from venues.selectors import poster_unavailable, venue_get_for_user

from .charts import bar_chart
from .employee_session import employee_current, employee_remember
from .forms import CloseDayForm, CorrectionForm, EmployeeForm, EndForm, ImportForm, ReasonForm, SignInForm
from .identify import SignInRefused, employee_identify
from .imports import read_rows
from .models import Employment, SignIn, Transfer
from .selectors import (
    corrections_for,
    employment_get_for_user,
    employment_list_for_user,
    employment_search,
    person_history_for_user,
    recent_signins_for,
    refusals_today_for,
    today_signins_for,
    venue_days_series,
    venue_for_signin,
    venue_headcount,
)
from .services import (
    ImportRefused,
    employee_register,
    employee_update,
    employees_import,
    employment_activate,
    employment_end,
    signin_correct,
    signin_record,
    transfer_confirm,
    transfer_confirm_days,
    transfer_keep,
    venue_day_close,
    venue_day_reopen,
)

PAGE_SIZE = 25
SEARCH_LIMIT = 100


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


# --- Employee registry ----------------------------------------------------------

def _list_queryset(request: HttpRequest) -> Any:
    qs = employment_list_for_user(request.user)
    status = request.GET.get("status", "current")
    if status == "current":
        qs = qs.current()
    elif status in Employment.Status.values:
        qs = qs.filter(status=status)
    venue = parse_id(request.GET.get("venue"))
    if venue is not None:
        qs = qs.filter(venue_id=venue)
    return qs.order_by("venue__name", "person__name", "id")


@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    """Scoped list; the search form posts, so an ID number or phone never lands in a URL."""
    qs = _list_queryset(request)
    q = request.POST.get("q", "").strip() if request.method == "POST" else ""
    if q:
        rows = list(employment_search(qs, q)[:SEARCH_LIMIT])
        page = None
    else:
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        rows = list(page)
    query = request.GET.copy()
    query.pop("page", None)
    venues = Venue.objects.visible_to(request.user).only("id", "name")
    return render(request, "staff/list.html", {
        "rows": rows, "page": page, "q": q, "query": query.urlencode(), "venues": venues,
        "status": request.GET.get("status", "current"), "venue_filter": request.GET.get("venue", ""),
        "statuses": Employment.Status.choices, "search_limit": SEARCH_LIMIT,
        "can_export": request.user.sees_staff_ids,
        # Partner departments (fire, culture) see no ID numbers at all, not even masked.
        "hide_ids": not request.user.sees_staff_ids,
    })


@login_required
def employee_export(request: HttpRequest) -> HttpResponse:
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


def _detail_context(request: HttpRequest, employment: Employment, **extra: Any) -> dict[str, Any]:
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
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employment = employment_get_for_user(request.user, pk)
    return render(request, "staff/detail.html", _detail_context(request, employment))


@never_cache
@login_required
@require_POST
def employee_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """One click, one audited reveal; the number is shown in the response body only."""
    employment = employment_get_for_user(request.user, pk)
    if not request.user.can_reveal_id_numbers:
        raise PermissionDenied
    audit_record(action="id_reveal", request=request, target=employment.person,
                 detail={"employment": employment.pk, "venue": employment.venue_id})
    return render(request, "staff/detail.html", _detail_context(request, employment, revealed=True))


def _writable_venue(request: HttpRequest, venue_pk: int) -> Venue:
    venue = venue_get_for_user(request.user, venue_pk)
    if not request.user.may_write_employees(venue):
        raise PermissionDenied
    return venue


@login_required
def employee_new(request: HttpRequest, venue_pk: int) -> HttpResponse:
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
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
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
def employee_import_template(request: HttpRequest, venue_pk: int) -> HttpResponse:
    """An empty workbook with the column names the import reads (no example row: an example
    imported by mistake would register a person)."""
    _writable_venue(request, venue_pk)
    return xlsx_response("employees-template", ["姓名", "身份证号", "手机号", "岗位", "入职日期"], [])


@login_required
def employee_import(request: HttpRequest, venue_pk: int) -> HttpResponse:
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
            messages.success(request, _("%(n)d employees imported.") % {"n": len(created)})
            return redirect(f"{reverse('staff:list')}?venue={venue.pk}")
    return render(request, "staff/import.html", {"form": form, "venue": venue, "row_errors": row_errors})


def _act(request: HttpRequest, pk: int, form_class: Any, action: Any, done: str) -> HttpResponse:
    employment = employment_get_for_user(request.user, pk)
    if not request.user.may_write_employees(employment.venue):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(employment, form.cleaned_data)
        except ValidationError as exc:
            for m in exc.messages:
                messages.error(request, m)
        else:
            messages.success(request, done)
    else:
        for errors in form.errors.values():
            for m in errors:
                messages.error(request, m)
    return redirect("staff:detail", pk=employment.pk)


def _transfer_act(request: HttpRequest, pk: int, transfer_pk: int, action: Any, done: str) -> HttpResponse:
    """Transfers are settled from the previous employment's page, reached through its scope."""
    employment = employment_get_for_user(request.user, pk)
    transfer = get_object_or_404(Transfer.objects.open(), pk=transfer_pk, from_employment=employment)
    if not request.user.may_write_employees(employment.venue):
        raise PermissionDenied
    try:
        action(transfer)
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, done)
    return redirect("staff:detail", pk=employment.pk)


@login_required
@require_POST
def transfer_confirm_view(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    return _transfer_act(request, pk, transfer_pk, lambda t: transfer_confirm(transfer=t, by=request.user,
                                                                              request=request),
                         _("Recorded: the employee has left this venue. They no longer count among your staff."))


@login_required
@require_POST
def transfer_keep_view(request: HttpRequest, pk: int, transfer_pk: int) -> HttpResponse:
    return _transfer_act(request, pk, transfer_pk, lambda t: transfer_keep(transfer=t, by=request.user,
                                                                           request=request),
                         _("Recorded: the employee works at both venues. They keep signing in here as before."))


@login_required
@require_POST
def employee_activate(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ReasonForm, lambda e, d: employment_activate(
        employment=e, by=request.user, reason=d["reason"], request=request), _("Employee activated."))


@login_required
@require_POST
def employee_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, EndForm, lambda e, d: employment_end(
        employment=e, by=request.user, left_on=d["left_on"], reason=d["reason"], request=request),
        _("Employment ended."))


@login_required
@require_POST
def employee_correct(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CorrectionForm, lambda e, d: signin_correct(
        by=request.user, employment=e, day=d["day"], kind=d["kind"], reason=d["reason"], request=request),
        _("Correction recorded."))


# --- A venue's sign-ins ---------------------------------------------------------

@login_required
def venue_signins(request: HttpRequest, venue_pk: int) -> HttpResponse:
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
                messages.success(request, _("Day marked as closed."))
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
def venue_reopen(request: HttpRequest, venue_pk: int) -> HttpResponse:
    venue = venue_get_for_user(request.user, venue_pk)
    form = CloseDayForm({"day": request.POST.get("day"), "reason": "-"})
    if not request.user.may_write_employees(venue):
        raise PermissionDenied
    if form.is_valid():
        venue_day_reopen(venue=venue, day=form.cleaned_data["day"], by=request.user, request=request)
        messages.success(request, _("Day reopened."))
    return redirect("staff:venue_signins", venue_pk=venue.pk)


# --- Employee identification for the venue's QR pages (pledge, exam) --------------

def employee_identify_page(request: HttpRequest, venue: Venue, *, source: str,
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
