"""Rectification orders: the board, the order page and its actions, the printable notice."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from venues.selectors import area_from_request

from .. import selectors, services
from ..forms import (
    AcceptForm,
    ExtendForm,
    RejectForm,
    SubmitForm,
)
from .common import _check_photos, _errors

# --- Rectification orders ----------------------------------------------------------

# Cards per column on the page; the rest of a column is counted, and the export holds all.
BOARD_PER_COLUMN = 40


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    require(request.user, "sees_orders")
    columns = selectors.board_for_user(request.user, area=area_from_request(request),
                                       mine=bool(request.GET.get("mine")), show=request.GET.get("show", ""),
                                       per_column=BOARD_PER_COLUMN)
    query = request.GET.copy()
    query.pop("show", None)
    return render(request, "inspections/board.html", {
        "columns": [(key, orders, total, total - len(orders)) for key, (orders, total) in columns.items()],
        "today": timezone.localdate(), "filtered": bool(request.GET), "query": query.urlencode()})


@login_required
def order_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    """The printable 整改通知书 handed to the venue: whoever may see the order may print it."""
    o = selectors.order_get_for_user(request.user, pk)
    issuer = o.issued_by
    return render(request, "inspections/order_notice.html", {
        "order": o, "number": selectors.order_notice_number(o), "issuer": issuer,
        "unit": " · ".join(str(x) for x in (issuer.jurisdiction.name if issuer.jurisdiction is not None else "",
                                            issuer.get_department_display()) if x),
    })


@login_required
def order(request: AuthedRequest, pk: int) -> HttpResponse:
    o = selectors.order_get_for_user(request.user, pk)
    user = request.user
    is_officer = user.works_police_side or (user.is_partner and o.finding.inspection_id)
    return render(request, "inspections/order.html", {
        "order": o, "events": o.events.select_related("actor").prefetch_related("photos"),
        "is_officer": is_officer, "is_venue": user.is_manager,
        "submit_form": SubmitForm(), "reject_form": RejectForm(), "accept_form": AcceptForm(),
        "extend_form": ExtendForm(),
        "last_rejection": o.events.filter(action="rejected").order_by("-at").first(),
    })


ORDER_ACTIONS: dict[str, Any] = {
    "submit": (SubmitForm, lambda o, r, d: services.rectification_submit(
        order=o, by=r.user, note=d["note"], photos=r.FILES.getlist("photos"))),
    "accept": (AcceptForm, lambda o, r, d: services.rectification_accept(order=o, by=r.user, note=d["note"])),
    "reject": (RejectForm, lambda o, r, d: services.rectification_reject(order=o, by=r.user, reason=d["reason"])),
    "extend": (ExtendForm, lambda o, r, d: services.rectification_extend(
        order=o, by=r.user, new_deadline=d["new_deadline"], reason=d["reason"])),
}


# What each step did and what comes next, for the person who took it.
ORDER_DONE = {
    "submit": gettext_lazy("Your evidence is submitted. The police station will check it and accept the order "
                           "or send it back with a reason; you will see the answer on this page."),
    "accept": gettext_lazy("The rectification is accepted and the order is closed. The venue sees it as done."),
    "reject": gettext_lazy("The evidence was sent back to the venue with your reason. They must fix it and "
                           "submit again by %(deadline)s."),
    "extend": gettext_lazy("The deadline is now %(deadline)s. The venue sees the new date on its order."),
}


@login_required
@require_POST
def order_act(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    o = selectors.order_get_for_user(request.user, pk)
    if action not in ORDER_ACTIONS:
        raise Http404
    form_class, run = ORDER_ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        for errs in form.errors.values():
            for e in errs:
                messages.error(request, e)
        return redirect("inspections:order", pk=pk)
    try:
        _check_photos(request)
        run(o, request, form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        o.refresh_from_db()
        messages.success(request, ORDER_DONE[action] % {"deadline": date_format(o.deadline, "DATE_FORMAT")})
    return redirect("inspections:order", pk=pk)
