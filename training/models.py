"""Anti-drug training: courses, a question bank, exam papers drawn from a blueprint, and
attempts graded on the server. Passing the onboarding exam is what activates a pending
employee (the gate lives in ``staff.services.employment_activate``)."""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from daodao.files import validate_image, validate_pdf_or_video
from daodao.uploads import RandomName
from venues.scoping import venue_scope


class Audience(models.TextChoices):
    EMPLOYEE = "employee", _("Employees")
    MANAGER = "manager", _("Venue managers")


class Category(models.TextChoices):
    DRUGS = "drugs", _("Drug types and harms")
    LAW = "law", _("Drug-control law")
    SPOTTING = "spotting", _("Spotting drug use in a venue")
    RESPONSE = "response", _("What to do and whom to report to")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True / false")


class CourseQuerySet(models.QuerySet["Course"]):
    def visible_to(self, user: Any) -> "CourseQuerySet":
        """Published courses are public (employees read them on the venue's QR page without
        an account); drafts only for the police, the association and administrators."""
        if user is not None and user.is_authenticated and user.is_active and not user.is_manager:
            return self.all()
        return self.filter(published=True)


class Course(models.Model):
    class Owner(models.TextChoices):
        NARCOTICS = "narcotics", _("Narcotics office")
        ASSOCIATION = "association", _("Industry association")

    title = models.CharField(_("title"), max_length=100)
    owner = models.CharField(_("owner"), max_length=12, choices=Owner.choices)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)
    body = models.TextField(_("study text"))
    image = models.FileField(_("illustration"), upload_to=RandomName("training/images"), blank=True,
                             validators=[validate_image])
    attachment = models.FileField(_("PDF or video"), upload_to=RandomName("training/files"), blank=True,
                                  validators=[validate_pdf_or_video])
    published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["audience", "id"]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    category = models.CharField(_("category"), max_length=10, choices=Category.choices)
    qtype = models.CharField(_("type"), max_length=10, choices=QuestionType.choices)
    text = models.CharField(_("question"), max_length=300)
    # [{"key": "A", "text": "…"}, …]; answer is the list of correct keys.
    options = models.JSONField(_("options"))
    answer = models.JSONField(_("correct answer"))
    explanation = models.TextField(_("explanation"))
    active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "qtype", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(text=""), name="question_text_not_empty"),
            models.CheckConstraint(condition=Q(qtype__in=["single", "multiple", "truefalse"]),
                                   name="question_type_valid"),
        ]
        indexes = [
            # Drawing a paper: active questions by category and type.
            models.Index(fields=["active", "category", "qtype"], name="question_draw_idx"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def option_map(self) -> dict[str, str]:
        return {o["key"]: o["text"] for o in self.options}


class Paper(models.Model):
    """An exam definition: how many questions of each category and type, pass mark, limits."""

    class Code(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding exam")
        REFRESHER = "refresher", _("Yearly refresher")
        MANAGER = "manager", _("Prevention course exam for managers")

    code = models.CharField(_("code"), max_length=12, choices=Code.choices, unique=True)
    title = models.CharField(_("title"), max_length=100)
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices)
    # {"drugs": {"single": 3, "multiple": 1, "truefalse": 1}, …}
    blueprint = models.JSONField(_("blueprint"))
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=80)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    attempts_per_day = models.PositiveSmallIntegerField(_("attempts per day"), default=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("exam paper")
        verbose_name_plural = _("exam papers")
        constraints = [
            models.CheckConstraint(condition=Q(pass_mark__gte=1, pass_mark__lte=100), name="paper_pass_mark_range"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gte=1) & Q(attempts_per_day__gte=1),
                                   name="paper_limits_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def size(self) -> int:
        return sum(n for per_type in self.blueprint.values() for n in per_type.values())


class AttemptQuerySet(models.QuerySet["Attempt"]):
    def visible_to(self, user: Any) -> "AttemptQuerySet":
        return self.filter(venue_scope(user, "venue__"))


class Attempt(models.Model):
    """One sitting. ``drawn`` is the paper as the candidate saw it: question ids and the
    shuffled option order. Grading reads only this and the bank, never the client's view."""

    paper = models.ForeignKey(Paper, verbose_name=_("exam"), on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey("staff.Person", verbose_name=_("employee"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("manager"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="attempts")
    venue = models.ForeignKey("venues.Venue", verbose_name=_("venue"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="attempts")
    started_at = models.DateTimeField(_("started at"))
    day = models.DateField(_("day"))
    deadline_at = models.DateTimeField(_("deadline"))
    drawn = models.JSONField(_("questions drawn"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)

    objects = AttemptQuerySet.as_manager()

    class Meta:
        verbose_name = _("exam attempt")
        verbose_name_plural = _("exam attempts")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(person__isnull=False, user__isnull=True)
                                   | Q(person__isnull=True, user__isnull=False), name="attempt_one_candidate"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__lte=100), name="attempt_score_range"),
        ]
        indexes = [
            # The daily attempt limit and "has this person passed".
            models.Index(fields=["person", "paper", "day"], name="attempt_person_day_idx"),
            models.Index(fields=["user", "paper", "day"], name="attempt_user_day_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id} {self.started_at:%Y-%m-%d %H:%M}"


class AttemptAnswer(models.Model):
    """Per question of a graded attempt: what was chosen and whether it was right (for the
    hardest-questions report)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    chosen = models.JSONField(default=list)
    correct = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="attemptanswer_unique")]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.question_id}:{self.correct}"
