"""Pages of hair self-tests. Every page is scoped (404 outside); results only for police."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.authed import AuthedRequest
from accounts.capabilities import capability_required, require
from audit.services import audit_record
from venues.models import Venue

from . import selectors, services
from .forms import ApplyForm, DeclineForm, NotTestedForm, ResultForm, SampleForm, ScheduleForm
from .models import HairTestRound, HairTestSubject

PAGE_SIZE = 25


@login_required
@capability_required("sees_hair_tests")
def round_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("status", "")
    rounds = Paginator(selectors.rounds_for_user(user, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hairtests/list.html", {
        "rounds": rounds, "status": status if status in HairTestRound.Status.values else "",
        "statuses": HairTestRound.Status.choices, "venues": selectors.venues_to_apply_for(user),
    })


@login_required
@capability_required("sees_hair_tests")
def apply(request: AuthedRequest, venue_pk: int) -> HttpResponse:
    user = request.user
    venue = get_object_or_404(Venue.objects.visible_to(user), pk=venue_pk)
    if not user.manages(venue):
        raise Http404
    form = ApplyForm(request.POST or None, venue=venue)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        chosen = None if d["everyone"] else list(d["employments"])
        try:
            rnd = services.hairtest_apply(by=user, venue=venue, employments=chosen,
                                          preferred_from=d["preferred_from"], preferred_until=d["preferred_until"],
                                          note=d["note"], request=request)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The application is sent to the district narcotics office, which will "
                                        "schedule the sampling day."))
            return redirect("hairtests:detail", rnd.pk)
    return render(request, "hairtests/apply.html", {"venue": venue, "form": form})


@login_required
@capability_required("sees_hair_tests")
def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    rnd = selectors.round_get_for_user(user, pk)
    # Police read the results here; the read is audited. Everyone else gets none.
    results = services.hairtest_results_view(rnd=rnd, by=user, request=request)
    subjects = [(s, results.get(s.pk)) for s in rnd.subjects.all()]
    may_decide = user.schedules_hair_tests and rnd.status == HairTestRound.Status.APPLIED
    may_sample = user.samples_hair_tests and rnd.status == HairTestRound.Status.SCHEDULED
    return render(request, "hairtests/detail.html", {
        "round": rnd, "subjects": subjects, "sees_results": user.sees_hair_results,
        "schedule_form": ScheduleForm() if may_decide else None,
        "decline_form": DeclineForm() if may_decide else None,
        "may_sample": may_sample,
        "sample_form": SampleForm() if may_sample else None,
        "not_tested_form": NotTestedForm() if may_sample else None,
        "result_form": ResultForm() if may_sample else None,
        "States": HairTestSubject.State,
    })


def _done(request: AuthedRequest, rnd: HairTestRound, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("hairtests:detail", rnd.pk)


def _failed(request: AuthedRequest, rnd: HairTestRound, errors: list[str]) -> HttpResponse:
    for e in errors:
        messages.error(request, e)
    return redirect("hairtests:detail", rnd.pk)


def _form_errors(form: object) -> list[str]:
    return [f"{form[name].label}：{e}" if name != "__all__" else str(e)  # type: ignore[index]
            for name, errs in form.errors.items() for e in errs]  # type: ignore[attr-defined]


@login_required
@require_POST
@capability_required("schedules_hair_tests")
def schedule(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, pk)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        return _failed(request, rnd, _form_errors(form))
    try:
        services.hairtest_schedule(rnd=rnd, by=request.user, day=form.cleaned_data["day"],
                                   note=form.cleaned_data["note"], request=request)
    except ValidationError as exc:
        return _failed(request, rnd, exc.messages)
    return _done(request, rnd, _("The round is scheduled; the venue and the social workers are told."))


@login_required
@require_POST
@capability_required("schedules_hair_tests")
def decline(request: AuthedRequest, pk: int) -> HttpResponse:
    rnd = selectors.round_get_for_user(request.user, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _failed(request, rnd, _form_errors(form))
    try:
        services.hairtest_decline(rnd=rnd, by=request.user, reason=form.cleaned_data["reason"], request=request)
    except ValidationError as exc:
        return _failed(request, rnd, exc.messages)
    return _done(request, rnd, _("The application is declined; the venue is told why."))


@login_required
@require_POST
@capability_required("samples_hair_tests")
def sample(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = selectors.subject_get_for_user(request.user, pk)
    form = SampleForm(request.POST)
    if not form.is_valid():
        return _failed(request, subject.round, _form_errors(form))
    d = form.cleaned_data
    try:
        services.hairtest_sample(subject=subject, by=request.user, sample_code=d["sample_code"],
                                 sampled_on=d["sampled_on"], consent=d["consent"], request=request)
    except ValidationError as exc:
        return _failed(request, subject.round, exc.messages)
    return _done(request, subject.round, _("The sample of %(name)s is recorded.")
                 % {"name": subject.employment.person.name})


@login_required
@require_POST
@capability_required("samples_hair_tests")
def not_tested(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = selectors.subject_get_for_user(request.user, pk)
    form = NotTestedForm(request.POST)
    if not form.is_valid():
        return _failed(request, subject.round, _form_errors(form))
    try:
        services.hairtest_not_tested(subject=subject, by=request.user, reason=form.cleaned_data["reason"],
                                     request=request)
    except ValidationError as exc:
        return _failed(request, subject.round, exc.messages)
    return _done(request, subject.round, _("%(name)s is recorded as not tested.")
                 % {"name": subject.employment.person.name})


@login_required
@require_POST
@capability_required("samples_hair_tests")
def result(request: AuthedRequest, pk: int) -> HttpResponse:
    subject = selectors.subject_get_for_user(request.user, pk)
    form = ResultForm(request.POST, request.FILES)
    if not form.is_valid():
        return _failed(request, subject.round, _form_errors(form))
    d = form.cleaned_data
    try:
        services.hairtest_result_record(subject=subject, by=request.user, outcome=d["outcome"], lab=d["lab"],
                                        report_no=d["report_no"], report=d["report"], request=request)
    except ValidationError as exc:
        return _failed(request, subject.round, exc.messages)
    return _done(request, subject.round, _("The lab result for %(name)s is recorded.")
                 % {"name": subject.employment.person.name})


@login_required
def report(request: AuthedRequest, pk: int) -> FileResponse:
    """The scanned lab report: police of the area only, every download audited."""
    require(request.user, "sees_hair_results")
    res = selectors.result_get_for_user(request.user, pk)
    try:
        handle = res.report.open("rb")
    except OSError:
        raise Http404 from None
    audit_record(action="hairtest_report_view", request=request, target=res.subject.round,
                 detail={"result": res.pk})
    response = FileResponse(handle)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
