from typing import Any

from django.db.models import Avg, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.authed import AuthedRequest
from staff.models import Employment, SignIn
from venues.models import Venue

from .models import Attempt, AttemptAnswer, Paper, Question


def passed_onboarding(person_ref: Any = None) -> Any:
    person: Any = person_ref if person_ref is not None else OuterRef("person")
    return Attempt.objects.filter(person=person, passed=True,
                                  paper__code__in=[Paper.Code.ONBOARDING, Paper.Code.REFRESHER])


def pass_rates_by_venue(user: Any) -> QuerySet[Venue]:
    """Submitted attempts and passes per venue in scope, venues with any, by name (one query).

    Counted per venue row (correlated, by the attempts' venue index) rather than grouping
    the city's year of attempts: a page of 50 walks the venues' name index and counts only
    its own venues' attempts; the paginator's count is a semi-join."""
    submitted = Attempt.objects.filter(venue=OuterRef("pk"), submitted_at__isnull=False)

    def count(qs: QuerySet[Attempt]) -> Coalesce:
        rows = qs.order_by().values("venue").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)  # no row: none of them

    return (Venue.objects.visible_to(user).filter(Exists(submitted))
            .annotate(n_attempts=count(submitted), passes=count(submitted.filter(passed=True)))
            .select_related("station").order_by("name", "id"))


def pass_rates_by_district(user: Any) -> list[dict[str, Any]]:
    rows = (Attempt.objects.visible_to(user).filter(submitted_at__isnull=False)
            .values("venue__station__parent__name")
            .annotate(attempts=Count("id"), passes=Count("id", filter=Q(passed=True)), avg=Avg("score"))
            .order_by("venue__station__parent__name"))
    return [{"district": r["venue__station__parent__name"], "attempts": r["attempts"], "passes": r["passes"],
             "rate": round(100 * r["passes"] / r["attempts"]) if r["attempts"] else 0, "avg": r["avg"]}
            for r in rows]


def hardest_questions(user: Any, limit: int = 10, min_answers: int = 5) -> list[Question]:
    """Questions with the lowest correct rate among answers given in the user's scope."""
    # One grouped query over the bank (hundreds of rows), ranked in Python.
    stats = (AttemptAnswer.objects.filter(attempt__in=Attempt.objects.visible_to(user).values("pk"))
             .values("question").annotate(n=Count("id"), right=Count("id", filter=Q(correct=True)))
             .filter(n__gte=min_answers))
    ranked = sorted(stats, key=lambda r: (r["right"] / r["n"], -r["n"]))[:limit]
    by_id = {row["question"]: {**row, "rate": row["right"] / row["n"]} for row in ranked}
    questions: dict[Any, Any] = Question.objects.in_bulk(list(by_id))  # annotated below
    result = []
    for qid, row in by_id.items():
        q = questions[qid]
        q.answered, q.correct_rate = row["n"], round(100 * row["rate"])
        result.append(q)
    return result


def pending_training(user: Any) -> QuerySet[Employment]:
    """Current employees who have not passed the onboarding exam, with the days they signed in anyway."""
    return (Employment.objects.visible_to(user).filter(status=Employment.Status.PENDING)
            .annotate(days_worked=Count("signins", distinct=True))
            .select_related("person", "venue").order_by("venue__name", "person__name"))


def venue_panel_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    if request.user.is_partner:
        return None
    today = timezone.localdate()
    pending: list[Any] = list(Employment.objects.filter(venue=venue, status=Employment.Status.PENDING)
                              .select_related("person").annotate(
                                  today=Exists(SignIn.objects.filter(employment=OuterRef("pk"), day=today)))
                              .order_by("person__name"))
    manager_passed = None
    if request.user.is_manager:
        manager_passed = Attempt.objects.filter(user=request.user, paper__code=Paper.Code.MANAGER,
                                                passed=True).exists()
    if request.user.is_manager and manager_passed:
        return None  # the to-do at the top lists the employees still to pass
    return {"venue": venue, "pending": pending, "working_today": [e for e in pending if e.today],
            "manager_passed": manager_passed, "is_manager": request.user.is_manager}


def todo_context(request: AuthedRequest, venue: Venue) -> dict[str, Any] | None:
    """Employees who may not work yet: the exam is still to pass."""
    pending = list(Employment.objects.filter(venue=venue, status=Employment.Status.PENDING)
                   .select_related("person").order_by("person__name")[:50])
    return {"venue": venue, "pending": pending} if pending else None
