import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from alerts.services import AlertSpec, alerts_raise
from inspections.models import InterviewReason
from inspections.services import interview_task_raise
from notices.services import NoticeSpec, notices_send
from staff.models import Employment, Person, SignIn
from staff.services import employment_activate
from venues.models import Venue

from .models import Attempt, AttemptAnswer, Category, Paper, Question, QuestionType

LETTERS = "ABCDEFGH"
LATE_GRACE = timedelta(seconds=60)  # network slack at the deadline
WORKING_BEFORE_TRAINING_DAYS = 3
MANAGER_GRACE_DAYS = 30
REFRESHER_DAYS = 365


# --- Question bank ----------------------------------------------------------------

def question_clean(*, category: str, qtype: str, text: str, options: list[str], answer: str,
                   explanation: str) -> dict[str, Any]:
    """Validate one question; returns the model fields. Raises ValidationError saying what is wrong."""
    errors = []
    if category not in Category.values:
        errors.append(_("Unknown category “%(v)s”.") % {"v": category})
    if qtype not in QuestionType.values:
        errors.append(_("Unknown question type “%(v)s”.") % {"v": qtype})
    options = [o.strip() for o in options if o and o.strip()]
    if qtype == QuestionType.TRUEFALSE and not options:
        options = [_("True"), _("False")]
    if len(options) < 2:
        errors.append(_("A question needs at least two options."))
    keys = sorted({c for c in answer.upper() if c.isalpha()})
    if not keys or any(LETTERS.index(k) >= len(options) for k in keys if k in LETTERS) or any(
            k not in LETTERS for k in keys):
        errors.append(_("The answer must name existing options, e.g. A or ACD."))
    elif qtype in (QuestionType.SINGLE, QuestionType.TRUEFALSE) and len(keys) != 1:
        errors.append(_("A single-choice or true/false question has exactly one correct option."))
    if not text.strip():
        errors.append(_("The question text is empty."))
    if not explanation.strip():
        errors.append(_("Give an explanation: candidates see it when they miss the question."))
    if errors:
        raise ValidationError(errors)
    return {"category": category, "qtype": qtype, "text": text.strip()[:300],
            "options": [{"key": LETTERS[i], "text": o} for i, o in enumerate(options)],
            "answer": keys, "explanation": explanation.strip()}


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, list[str]]] = field(default_factory=list)


CATEGORY_ALIASES = {label: value for value, label in Category.choices} | {
    "毒品种类与危害": "drugs", "禁毒法律法规": "law", "场所识毒": "spotting", "处置与报告": "response"}
TYPE_ALIASES = {"单选": "single", "多选": "multiple", "判断": "truefalse"}


def questions_import(*, rows: list[dict[str, str]], by: User) -> ImportResult:
    """Import questions from spreadsheet rows; all or nothing, with a per-row error report.

    Columns: category, type, question, A, B, C, D, answer, explanation (Chinese headers
    类别/题型/题目/答案/解析 are accepted too).
    """
    if not by.may_publish_shared_texts:
        raise PermissionDenied(_("Only the city narcotics office maintains the shared question bank."))
    result = ImportResult()
    cleaned = []
    for n, row in enumerate(rows, start=2):  # row 1 is the header
        def get(*names: str, row: dict[str, str] = row) -> str:
            return next((str(row[k]).strip() for k in names if row.get(k) not in (None, "")), "")

        category = get("category", "类别")
        qtype = get("type", "题型")
        try:
            cleaned.append(question_clean(
                category=CATEGORY_ALIASES.get(category, category), qtype=TYPE_ALIASES.get(qtype, qtype),
                text=get("question", "题目"), options=[get(k.lower(), k) for k in "ABCDEF"],
                answer=get("answer", "答案"), explanation=get("explanation", "解析"),
            ))
        except ValidationError as exc:
            result.errors.append((n, exc.messages))
    if result.errors or not cleaned:
        if not cleaned and not result.errors:
            result.errors.append((1, [_("The file has no question rows.")]))
        return result
    with transaction.atomic():
        Question.objects.bulk_create([Question(**q) for q in cleaned])
    result.created = len(cleaned)
    return result


# --- Exams ----------------------------------------------------------------------

def paper_draw(paper: Paper, rng: random.Random | None = None) -> list[dict[str, Any]]:
    """Questions for one attempt, per the blueprint, with options shuffled. One query."""
    rng = rng or random.SystemRandom()
    pool: dict[tuple[str, str], list[Question]] = {}
    for q in Question.objects.filter(active=True, category__in=list(paper.blueprint)):
        pool.setdefault((q.category, q.qtype), []).append(q)
    drawn = []
    for category, per_type in paper.blueprint.items():
        for qtype, n in per_type.items():
            candidates = pool.get((category, qtype), [])
            if len(candidates) < n:
                raise ValidationError(_("The question bank is too small for this exam; tell the narcotics office."))
            for q in rng.sample(candidates, n):
                keys = [o["key"] for o in q.options]
                if q.qtype != QuestionType.TRUEFALSE:
                    rng.shuffle(keys)
                drawn.append({"q": q.pk, "order": keys})
    rng.shuffle(drawn)
    return drawn


def attempts_left_today(*, paper: Paper, person: Person | None = None, user: User | None = None) -> int:
    qs = Attempt.objects.filter(paper=paper, day=timezone.localdate())
    qs = qs.filter(person=person) if person is not None else qs.filter(user=user)
    return max(0, paper.attempts_per_day - qs.count())


@transaction.atomic
def attempt_start(*, paper: Paper, person: Person | None = None, user: User | None = None,
                  venue: Venue | None = None) -> Attempt:
    """Start a sitting, within the daily limit. The candidate row is locked so two taps
    cannot both pass the limit check."""
    if (person is None) == (user is None):
        raise ValidationError(_("An attempt belongs to one employee or one manager."))
    if not paper.active:
        raise ValidationError(_("This exam is not open."))
    if person is not None:
        Person.objects.select_for_update().filter(pk=person.pk).first()
    else:
        User.objects.select_for_update().filter(pk=user.pk).first()  # type: ignore[union-attr]
    if attempts_left_today(paper=paper, person=person, user=user) <= 0:
        raise ValidationError(_("You have used all %(n)d attempts for today; try again tomorrow.")
                              % {"n": paper.attempts_per_day})
    now = timezone.now()
    return Attempt.objects.create(
        paper=paper, person=person, user=user, venue=venue, started_at=now, day=timezone.localdate(now),
        deadline_at=now + timedelta(minutes=paper.time_limit_minutes), drawn=paper_draw(paper),
    )


@dataclass
class Graded:
    attempt: Attempt
    missed: list[dict[str, Any]]


def attempt_submit(*, attempt: Attempt, answers: dict[Any, Any]) -> Graded:
    """Grade on the server. Only the drawn questions count, only existing option keys are
    read; anything else in the payload is ignored. A sitting is graded once; after the
    time limit it scores nothing.

    1. Claim the attempt (conditional UPDATE on submitted_at IS NULL).
    2. Compare each drawn question's chosen keys with the bank's answer.
    3. Store per-question results; on a pass of the onboarding/refresher exam, activate
       the person's pending employments through the one activation path.
    """
    now = timezone.now()
    questions = Question.objects.in_bulk([d["q"] for d in attempt.drawn])
    late = now > attempt.deadline_at + LATE_GRACE
    rows, missed, correct = [], [], 0
    for d in attempt.drawn:
        q = questions[d["q"]]
        raw = answers.get(str(q.pk), answers.get(q.pk, [])) if isinstance(answers, dict) else []
        raw = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
        valid = {o["key"] for o in q.options}
        chosen = sorted({str(k) for k in raw if str(k) in valid})
        if q.qtype != QuestionType.MULTIPLE and len(chosen) > 1:
            chosen = []
        ok = not late and chosen == sorted(q.answer)
        correct += ok
        rows.append(AttemptAnswer(attempt=attempt, question=q, chosen=chosen, correct=ok))
        if not ok:
            missed.append({"question": q, "chosen": chosen, "correct": [q.option_map[k] for k in q.answer]})
    score = round(100 * correct / len(attempt.drawn)) if attempt.drawn else 0
    passed = score >= attempt.paper.pass_mark
    with transaction.atomic():
        if not Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(
            submitted_at=now, score=score, passed=passed
        ):
            raise ValidationError(_("This exam has already been submitted."))
        AttemptAnswer.objects.bulk_create(rows)
        if passed and attempt.person_id and attempt.paper.code in (Paper.Code.ONBOARDING, Paper.Code.REFRESHER):
            _activate_pending(attempt.person_id)
    attempt.refresh_from_db()
    return Graded(attempt, missed)


def _activate_pending(person_id: int) -> None:
    for employment in Employment.objects.filter(person_id=person_id, status=Employment.Status.PENDING):
        employment_activate(employment=employment, by=None, reason="onboarding exam passed")


# --- The daily training check ------------------------------------------------------

def training_check(*, today: date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    with translation.override(settings.LANGUAGE_CODE):
        return _check(today)


def _check(today: date) -> dict[str, int]:
    """1. Pending employees who keep signing in (working before training) for
    WORKING_BEFORE_TRAINING_DAYS days or more: a police alert per venue.
    2. Managers who have not passed the prevention exam within MANAGER_GRACE_DAYS of
    getting their account: an interview task per venue (idempotent by source).
    3. Employees due for the yearly refresher: a notice to the managers, monthly."""
    raised = alerts_raise(kind="working_before_training", specs=_working_before_training(today))
    tasks = _untrained_manager_tasks(today)
    notices = notices_send(specs=_refresher_notices(today))
    return {"alerts_created": raised.created, "alerts_updated": raised.updated, "interview_tasks": tasks,
            "refresher_notices": notices}


def _working_before_training(today: date) -> list[AlertSpec]:
    """Step 1, one query: pending employees with sign-ins on enough days of the last two weeks."""
    working = (SignIn.objects.filter(day__gte=today - timedelta(days=14), before_training=True,
                                     employment__status=Employment.Status.PENDING)
               .values("venue_id", "employment_id").annotate(days=Count("day", distinct=True))
               .filter(days__gte=WORKING_BEFORE_TRAINING_DAYS))
    per_venue: dict[int, list[dict[str, int]]] = {}
    for row in working:
        per_venue.setdefault(row["venue_id"], []).append({"employment": row["employment_id"], "days": row["days"]})
    return [
        AlertSpec(venue_id=v, severity=3 if len(rows) > 2 else 2,
                  title=_("%(n)d employee(s) working without passing the anti-drug exam") % {"n": len(rows)},
                  evidence={"employees": sorted(rows, key=lambda r: r["employment"]),
                            "min_days": WORKING_BEFORE_TRAINING_DAYS})
        for v, rows in per_venue.items()
    ]


def _untrained_manager_tasks(today: date) -> int:
    """Step 2: an interview task per manager past the grace period without the exam."""
    passed_managers = Attempt.objects.filter(paper__code=Paper.Code.MANAGER, passed=True).values("user_id")
    overdue = (Venue.managers.through.objects
               .filter(user__is_active=True, user__date_joined__date__lte=today - timedelta(days=MANAGER_GRACE_DAYS),
                       venue__status=Venue.Status.OPERATING)
               .exclude(user_id__in=passed_managers).values_list("venue_id", "user_id"))
    tasks = 0
    for venue_id, user_id in overdue:
        _task, created = interview_task_raise(
            venue_id=venue_id, reason=InterviewReason.NO_PREVENTION_TRAINING, source=f"training:manager:{user_id}",
            detail={"manager": user_id}, due_on=today + timedelta(days=14))
        tasks += int(created)
    return tasks


def _refresher_notices(today: date) -> list[NoticeSpec]:
    """Step 3: per venue, how many active employees passed their last exam over a year ago."""
    passes = dict(Attempt.objects.filter(passed=True, person__isnull=False).values("person_id")
                  .annotate(last=Max("day")).values_list("person_id", "last"))
    due_by_venue: dict[int, int] = {}
    for person_id, venue_id in Employment.objects.filter(status=Employment.Status.ACTIVE).values_list(
            "person_id", "venue_id"):
        last = passes.get(person_id)
        if last is not None and last <= today - timedelta(days=REFRESHER_DAYS):
            due_by_venue[venue_id] = due_by_venue.get(venue_id, 0) + 1
    month = today.strftime("%Y-%m")
    return [
        NoticeSpec(user_id=user_id, venue_id=venue_id, kind="refresher_due", dedupe_key=f"refresher:{venue_id}:{month}",
                   title=_("Yearly anti-drug refresher due"),
                   body=_("%(n)d employee(s) passed their last exam more than a year ago.") % {
                       "n": due_by_venue[venue_id]},
                   link=reverse("venues:detail", args=[venue_id]))
        for venue_id, user_id in Venue.managers.through.objects.filter(venue_id__in=due_by_venue).values_list(
            "venue_id", "user_id")
    ]


def person_has_passed_onboarding(person_id: int) -> bool:
    return Attempt.objects.filter(person_id=person_id, passed=True,
                                  paper__code__in=[Paper.Code.ONBOARDING, Paper.Code.REFRESHER]).exists()


def onboarding_gate(person_id: int) -> None:
    """Registered with ``staff.services.register_activation_gate``: nobody starts work
    before passing the onboarding anti-drug exam."""
    if not person_has_passed_onboarding(person_id):
        raise ValidationError(_("The employee must pass the onboarding anti-drug exam before starting work."))
