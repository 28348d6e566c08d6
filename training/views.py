from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from accounts.authed import AuthedRequest
from accounts.capabilities import require
from audit.services import audit_record
from daodao.excel import read_table, xlsx_response
from daodao.identifiers import mask_id_number
from daodao.paginator import LargeCountPaginator
from staff.employee_session import employee_identify_page
from staff.models import SignInRefusal
from venues.selectors import venue_by_signin_token

from .models import Attempt, Audience, Course, Paper, Question
from .selectors import hardest_questions, pass_rates_by_district, pass_rates_by_venue, pending_training
from .services import attempt_start, attempt_submit, attempts_left_today, person_has_passed_onboarding, questions_import

SESSION_KEY = "daodao_attempt"


def _exam_view(request: AuthedRequest, *, paper: Paper, person: Any = None, user: Any = None, venue: Any = None,
               heading: str, done_url: str) -> HttpResponse:
    """The exam, for an identified employee or a logged-in manager: home -> questions -> result.

    The open attempt is bound to this browser session; answers are posted as option keys
    and graded on the server against the attempt's own drawn questions.
    """
    attempt_id = request.session.get(SESSION_KEY)
    attempt = None
    if attempt_id:
        owner = {"person": person} if person is not None else {"user": user}
        attempt = Attempt.objects.filter(pk=attempt_id, submitted_at__isnull=True, **owner).first()
    if request.method == "POST" and request.POST.get("action") == "start":
        try:
            attempt = attempt_start(paper=paper, person=person, user=user, venue=venue)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            request.session[SESSION_KEY] = attempt.pk
        return redirect(request.path)
    if request.method == "POST" and request.POST.get("action") == "submit" and attempt is not None:
        answers = {str(d["q"]): request.POST.getlist(f"q_{d['q']}") for d in attempt.drawn}
        try:
            graded = attempt_submit(attempt=attempt, answers=answers)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect(request.path)
        request.session.pop(SESSION_KEY, None)
        return render(request, "training/result.html", {"graded": graded, "attempt": graded.attempt,
                                                        "heading": heading, "done_url": done_url})
    if attempt is not None and attempt.deadline_at > timezone.now():
        questions = Question.objects.in_bulk([d["q"] for d in attempt.drawn])
        items = [{"q": questions[d["q"]], "options": [(k, questions[d["q"]].option_map[k]) for k in d["order"]]}
                 for d in attempt.drawn]
        return render(request, "training/exam.html", {"attempt": attempt, "items": items, "heading": heading})
    last = Attempt.objects.filter(paper=paper, submitted_at__isnull=False,
                                  **({"person": person} if person is not None else {"user": user})).first()
    return render(request, "training/exam_home.html", {
        "paper": paper, "heading": heading, "last": last, "done_url": done_url,
        "left": attempts_left_today(paper=paper, person=person, user=user),
        "courses": Course.objects.filter(published=True, audience=paper.audience),
    })


@never_cache
def employee_exam(request: AuthedRequest, token: str) -> HttpResponse:
    """The employee's exam, reached from the venue's QR code (identify once, then take it)."""
    venue = venue_by_signin_token(token)
    employment, page = employee_identify_page(request, venue, source=SignInRefusal.Source.EXAM,
                                         purpose=_("Anti-drug exam"))
    if page is not None:
        return page
    code = Paper.Code.REFRESHER if person_has_passed_onboarding(employment.person_id) else Paper.Code.ONBOARDING
    paper = Paper.objects.filter(code=code, active=True).first()
    if paper is None:
        raise Http404
    return _exam_view(request, paper=paper, person=employment.person, venue=venue,
                      heading=f"{paper.title} · {employment.person.name}", done_url=request.path)


@login_required
def manager_exam(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_manager:
        raise Http404
    paper = Paper.objects.filter(code=Paper.Code.MANAGER, active=True).first()
    if paper is None:
        raise Http404
    return _exam_view(request, paper=paper, user=request.user, heading=paper.title, done_url=request.path)



@login_required
def reports(request: AuthedRequest) -> HttpResponse:
    require(request.user, "sees_coverage")
    venues = LargeCountPaginator(pass_rates_by_venue(request.user), 50).get_page(request.GET.get("page"))
    row: Any
    for row in venues:  # annotated rows
        row.rate = round(100 * row.passes / row.n_attempts) if row.n_attempts else 0
    return render(request, "training/reports.html", {
        "venues": venues, "districts": pass_rates_by_district(request.user),
        "hardest": hardest_questions(request.user), "pending": list(pending_training(request.user)[:200]),
        "courses": Course.objects.all(), "audiences": Audience.choices,
    })


@login_required
def reports_export(request: AuthedRequest, what: str) -> HttpResponse:
    require(request.user, "sees_coverage")
    if what == "venues":
        headers = [_("Venue"), _("Police station"), _("Attempts"), _("Passed"), _("Pass rate")]
        rates: list[Any] = list(pass_rates_by_venue(request.user))  # annotated rows
        rows: list[tuple[Any, ...]] = [(v.name, v.station.name, v.n_attempts, v.passes,
                                        round(100 * v.passes / v.n_attempts)) for v in rates]
    elif what == "pending":
        headers = [_("Venue"), _("Employee name"), _("ID number"), _("Hired on"), _("Days signed in")]
        pending: list[Any] = list(pending_training(request.user))  # annotated rows
        rows = [(e.venue.name, e.person.name, mask_id_number(e.person.id_number), e.hired_on, e.days_worked)
                for e in pending]
    elif what == "questions":
        headers = [_("Question"), _("Answers"), _("Correct rate")]
        hardest: list[Any] = hardest_questions(request.user, limit=100)  # annotated rows
        rows = [(q.text, q.answered, q.correct_rate) for q in hardest]
    else:
        raise Http404
    audit_record(action="export", request=request, detail={"what": f"training_{what}", "rows": len(rows)})
    return xlsx_response(f"training-{what}", headers, rows)


@login_required
def questions_upload(request: AuthedRequest) -> HttpResponse:
    require(request.user, "sees_coverage")
    if not request.user.may_publish_shared_texts:
        raise PermissionDenied
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError(_("Choose a file."))
            result = questions_import(rows=read_table(upload), by=request.user)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            if result.created:
                messages.success(request, ngettext(
                    "%(n)d question imported: exams started from now on may draw it.",
                    "%(n)d questions imported: exams started from now on may draw them.", result.created)
                    % {"n": result.created})
    return render(request, "training/import.html", {"result": result, "count": Question.objects.count()})
