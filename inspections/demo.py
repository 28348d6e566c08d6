"""Demo inspections for 绍兴市: self-inspections over three weeks (some missed), every
inspection type, rectification orders in every state (one overdue, raising a real alert,
one escalated to an interview task), an undisclosed undercover visit and an interview.

Deterministic and idempotent (skips when inspections exist). Records are made through
the services, then back-dated with plain updates: the demo needs a past that the
services, which always act "now", cannot create.
"""

import random
from datetime import datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from venues.models import Venue

from . import services
from .models import (
    Checklist,
    Finding,
    Inspection,
    InterviewReason,
    ItemResult,
    RectificationOrder,
    SelfInspection,
)
from .selectors import current_checklists


def _photo(name: str) -> SimpleUploadedFile:
    """A tiny in-memory image standing in for a phone photo in the demo."""
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0"
        "00000301010018dd8db40000000049454e44ae426082"
    )
    return SimpleUploadedFile(name, png, content_type="image/png")


def _answers(checklist: Checklist, fail: set[int] = frozenset()) -> list[services.ItemAnswer]:  # type: ignore[assignment]
    return [
        services.ItemAnswer(item.pk, ItemResult.Result.FAIL if i in fail else ItemResult.Result.PASS,
                            "")
        for i, item in enumerate(checklist.items.all())
    ]


def seed(ctx: dict[str, Any]) -> dict[str, Any]:
    if Inspection.objects.exists():
        return {"skipped": True}
    rng = random.Random(5005)  # noqa: S311 — deterministic demo data
    venues: dict[str, Venue] = ctx["venues"]
    users: dict[str, User] = ctx["users"]
    officer, fire = users["officer_yc"], users["fire_yc"]
    today = timezone.localdate()
    flagship = venues["330602-0"]
    checklists = current_checklists()
    self_list = checklists[Checklist.Kind.SELF]

    # 1. Self-inspections: 21 days for the operating venues of 越城区, about one in eight missed.
    rows = []
    yc = [v for k, v in venues.items() if k.startswith("330602") and v.status == Venue.Status.OPERATING]
    for venue in yc:
        for back in range(1, 22):
            day = today - timedelta(days=back)
            missed = rng.random() < (0.35 if venue.pk % 5 == 0 else 0.08)
            rows.append(SelfInspection(
                venue=venue, day=day, status="missed" if missed else "submitted",
                checklist=None if missed else self_list,
                submitted_at=None if missed else timezone.make_aware(
                    datetime.combine(day, datetime.min.time())) + timedelta(hours=19),
            ))
    SelfInspection.objects.bulk_create(rows, ignore_conflicts=True)
    # Today's self-inspection of the flagship, with one failed item (a finding to address).
    manager = flagship.managers.first()
    assert manager is not None  # noqa: S101 -- the demo flagship has a manager
    services.selfinspection_submit(venue=flagship, by=manager, answers=_answers(self_list, fail={2}))

    # 2. A surprise inspection of the flagship ten days ago with two findings and urine tests.
    narcotics = checklists["narcotics"]
    surprise = services.inspection_record(
        venue=flagship, by=officer, type=Inspection.Type.SURPRISE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], answers=_answers(narcotics, fail={1, 4}), people_tested=6, positives=0,
        summary="夜间突击检查，包厢 3 个，在岗人员 12 人，其中 2 人未签到。",
        findings=[services.FindingInput("3 号包厢垃圾桶内发现吸管和锡纸", "high")],
    )
    _backdate_inspection(surprise, today - timedelta(days=10))
    findings = list(surprise.findings.order_by("id"))
    # Order A: submitted, rejected once, then accepted.
    a = services.rectification_issue(finding=findings[0], by=officer, requirement="补齐人员签到，核对在岗名单")
    services.rectification_submit(order=a, by=manager, note="已组织全员补签并张贴签到提醒", photos=[_photo("a1.png")])
    services.rectification_reject(order=a, by=officer, reason="未提供在岗名单核对记录")
    services.rectification_submit(order=a, by=manager, note="补充了核对记录，每班由领班核对", photos=[_photo("a2.png")])
    services.rectification_accept(order=a, by=officer, note="复查合格")
    # Order B: issued with a deadline three days ago, never answered -> overdue -> alert.
    b = services.rectification_issue(finding=findings[-1], by=officer, requirement="清理包厢，加装包厢巡查记录")
    RectificationOrder.objects.filter(pk=b.pk).update(issued_on=today - timedelta(days=10),
                                                      deadline=today - timedelta(days=3))
    # Order C (another venue): overdue for long enough to escalate to an interview task.
    other = next(v for v in yc if v.pk != flagship.pk)
    routine = services.inspection_record(
        venue=other, by=officer, type=Inspection.Type.ROUTINE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], findings=[services.FindingInput("监控录像仅保存 7 天", "medium")],
    )
    _backdate_inspection(routine, today - timedelta(days=25))
    c = services.rectification_issue(finding=routine.findings.get(), by=officer)
    RectificationOrder.objects.filter(pk=c.pk).update(issued_on=today - timedelta(days=25),
                                                      deadline=today - timedelta(days=18))
    # Order D: open with time left (due soon).
    d_insp = services.inspection_record(
        venue=yc[2], by=officer, type=Inspection.Type.ROUTINE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], findings=[services.FindingInput("禁毒宣传海报未张贴", "low")],
    )
    services.rectification_issue(finding=d_insp.findings.get(), by=officer, deadline=today + timedelta(days=2))

    # 3. An undercover visit to the flagship (not disclosed: the venue cannot see it).
    undercover = services.inspection_record(
        venue=flagship, by=officer, type=Inspection.Type.UNDERCOVER, outcome=Inspection.Outcome.NO_PROBLEM,
        departments=["narcotics"], summary="便衣暗访，未发现异常，前台登记不严。",
    )
    _backdate_inspection(undercover, today - timedelta(days=4))

    # 4. A joint inspection with the fire department, and routine visits with no problem.
    joint = services.inspection_record(
        venue=yc[3], by=officer, type=Inspection.Type.JOINT, outcome=Inspection.Outcome.WARNING,
        departments=["narcotics", "fire"], findings=[services.FindingInput("安全出口堆放杂物", "high")],
    )
    _backdate_inspection(joint, today - timedelta(days=6))
    services.sanction_issue(venue=yc[3], by=officer, kind="warning", reason="消防通道堵塞，联合检查当场警示",
                            inspection=joint)
    for i, venue in enumerate(yc[4:14]):
        ins = services.inspection_record(venue=venue, by=officer, type=Inspection.Type.ROUTINE,
                                         outcome=Inspection.Outcome.NO_PROBLEM, departments=["narcotics"])
        _backdate_inspection(ins, today - timedelta(days=3 + 4 * i))

    # 5. Plans: two upcoming (one for the fire inspector), one overdue.
    services.inspection_plan(venue=yc[5], by=officer, type=Inspection.Type.ROUTINE,
                             planned_for=today + timedelta(days=2))
    services.inspection_plan(venue=yc[6], by=fire, type=Inspection.Type.ROUTINE, planned_for=today + timedelta(days=5),
                             departments=["fire"])
    services.inspection_plan(venue=yc[7], by=officer, type=Inspection.Type.SURPRISE,
                             planned_for=today - timedelta(days=2))

    # 6. The overdue job: marks B and C overdue, raises alerts, escalates C to an interview task.
    result = services.rectifications_flag_overdue()
    # 7. An interview already held for an earlier problem.
    services.interview_record(
        venue=yc[8], by=officer, attendee="场所负责人", reason=InterviewReason.REPEATED_FINDINGS,
        held_on=today - timedelta(days=12), summary="连续两次检查发现自查记录缺失，约谈负责人。",
        commitments="每日自查由负责人亲自签字，一周内补齐记录。",
    )
    return {"overdue": result.newly_overdue, "findings": Finding.objects.count()}


def _backdate_inspection(inspection: Inspection, day: Any) -> None:
    when = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=21)
    Inspection.objects.filter(pk=inspection.pk).update(carried_out_at=when)
    Finding.objects.filter(inspection=inspection).update(found_on=day)
