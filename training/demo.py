"""The question bank (training/bank.py), the three exam papers, a course per audience,
and exam history consistent with the demo employees: every active employee has passed
the onboarding exam; pending ones have not (some failed once). Idempotent."""

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from staff.models import Employment

from .bank import BANK
from .models import Attempt, AttemptAnswer, Audience, Course, Paper, Question
from .services import training_check

BLUEPRINT = {c: {"single": 3, "multiple": 1, "truefalse": 1} for c in ("drugs", "law", "spotting", "response")}
PAPERS = [
    ("onboarding", "从业人员上岗禁毒知识考试", Audience.EMPLOYEE),
    ("refresher", "从业人员年度禁毒知识复训考试", Audience.EMPLOYEE),
    ("manager", "场所负责人禁毒预防教育考试", Audience.MANAGER),
]
COURSES = [
    ("从业人员禁毒知识读本", Course.Owner.NARCOTICS, Audience.EMPLOYEE,
     "一、认识毒品：冰毒、K粉、摇头丸、海洛因、大麻以及伪装成奶茶、跳跳糖的新精神活性物质都是毒品。\n"
     "二、毒品的危害：损害大脑和身体，导致精神障碍、传染病，毁掉家庭和前途。\n"
     "三、在场所中识别涉毒迹象：锡纸、吸管、自制“冰壶”、笑气罐和气球、不明药丸，顾客异常兴奋或萎靡。\n"
     "四、发现后怎么做：不触碰、不销毁，保护现场，立即报告场所负责人并拨打110。\n"
     "五、法律责任：吸毒违法，容留、介绍他人吸毒和贩卖毒品是犯罪。"),
    ("场所负责人禁毒预防教育", Course.Owner.ASSOCIATION, Audience.MANAGER,
     "负责人是场所禁毒第一责任人：落实从业人员登记和每日签到、组织培训考试、每日自查包厢和卫生间、"
     "保持监控正常并保存30日、发现涉毒立即报告、按期完成整改。场所发生涉毒案件将被责令停业整顿直至吊销许可证。"),
]


def ensure_papers() -> dict[str, Paper]:
    papers = {}
    for code, title, audience in PAPERS:
        papers[code], _ = Paper.objects.get_or_create(
            code=code, defaults={"title": title, "audience": audience, "blueprint": BLUEPRINT})
    return papers


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if not Question.objects.exists():
        Question.objects.bulk_create([
            Question(category=c, qtype=t, text=q, options=[{"key": "ABCD"[i], "text": o} for i, o in enumerate(opts)],
                     answer=sorted(a), explanation=e)
            for c, t, q, opts, a, e in BANK
        ])
    papers = ensure_papers()
    for title, owner, audience, body in COURSES:
        Course.objects.get_or_create(title=title, defaults={"owner": owner, "audience": audience, "body": body})
    if Attempt.objects.exists():
        return {"skipped": True}
    rng = random.Random(4404)  # noqa: S311 — deterministic demo data
    now = timezone.now()
    questions = list(Question.objects.all())
    attempts = []
    for person_id, venue_id in (Employment.objects.filter(status=Employment.Status.ACTIVE)
                                .values_list("person_id", "venue_id")):
        when = now - timedelta(days=rng.randint(1, 300))
        attempts.append(Attempt(paper=papers["onboarding"], person_id=person_id, venue_id=venue_id, started_at=when,
                                day=timezone.localdate(when), deadline_at=when + timedelta(minutes=30), drawn=[],
                                submitted_at=when + timedelta(minutes=12), score=rng.choice([80, 85, 90, 95, 100]),
                                passed=True))
    for person_id, venue_id in Employment.objects.filter(status=Employment.Status.PENDING).values_list(
            "person_id", "venue_id")[::2]:
        when = now - timedelta(days=1)
        attempts.append(Attempt(paper=papers["onboarding"], person_id=person_id, venue_id=venue_id, started_at=when,
                                day=timezone.localdate(when), deadline_at=when + timedelta(minutes=30), drawn=[],
                                submitted_at=when + timedelta(minutes=9), score=rng.choice([55, 60, 70, 75]),
                                passed=False))
    Attempt.objects.bulk_create(attempts, batch_size=1000)
    # Per-question results for the hardest-questions report: a deterministic sample.
    answers = []
    for attempt in Attempt.objects.filter(paper=papers["onboarding"])[:400]:
        for q in rng.sample(questions, 20):
            hard = q.qtype == "multiple" or q.category == "law"
            answers.append(AttemptAnswer(attempt=attempt, question=q, chosen=[],
                                         correct=rng.random() > (0.45 if hard else 0.1)))
    AttemptAnswer.objects.bulk_create(answers, batch_size=2000)
    # manager_yc passed the prevention exam; other demo managers have not (interview tasks).
    manager = ctx["users"]["manager_yc"]
    Attempt.objects.create(paper=papers["manager"], user=manager, started_at=now - timedelta(days=40),
                           day=timezone.localdate() - timedelta(days=40), deadline_at=now, drawn=[],
                           submitted_at=now - timedelta(days=40), score=90, passed=True)

    return {"attempts": len(attempts), **training_check()}
