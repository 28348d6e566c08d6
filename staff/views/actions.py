"""Actions on an employment: activate, end, correct a sign-in, answer a transfer."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest

from ..forms import CorrectionForm, EndForm, ReasonForm
from ..models import Transfer
from ..selectors import (
    employment_get_for_user,
)
from ..services import (
    employment_activate,
    employment_end,
    signin_correct,
    transfer_confirm,
    transfer_keep,
)


def _act(request: AuthedRequest, pk: int, form_class: Any, action: Any, done: str) -> HttpResponse:
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


def _transfer_act(request: AuthedRequest, pk: int, transfer_pk: int, action: Any, done: str) -> HttpResponse:
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
def transfer_confirm_view(request: AuthedRequest, pk: int, transfer_pk: int) -> HttpResponse:
    return _transfer_act(request, pk, transfer_pk, lambda t: transfer_confirm(transfer=t, by=request.user,
                                                                              request=request),
                         _("Recorded: the employee has left this venue. They no longer count among your staff."))


@login_required
@require_POST
def transfer_keep_view(request: AuthedRequest, pk: int, transfer_pk: int) -> HttpResponse:
    return _transfer_act(request, pk, transfer_pk, lambda t: transfer_keep(transfer=t, by=request.user,
                                                                           request=request),
                         _("Recorded: the employee works at both venues. They keep signing in here as before."))


@login_required
@require_POST
def employee_activate(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ReasonForm, lambda e, d: employment_activate(
        employment=e, by=request.user, reason=d["reason"], request=request), _("Employee activated."))


@login_required
@require_POST
def employee_end(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, EndForm, lambda e, d: employment_end(
        employment=e, by=request.user, left_on=d["left_on"], reason=d["reason"], request=request),
        _("Employment ended."))


@login_required
@require_POST
def employee_correct(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, CorrectionForm, lambda e, d: signin_correct(
        by=request.user, employment=e, day=d["day"], kind=d["kind"], reason=d["reason"], request=request),
        _("Correction recorded."))
