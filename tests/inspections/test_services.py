from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alerts.models import Alert
from inspections import services
from inspections.models import (
    Finding,
    Inspection,
    InterviewTask,
    RectificationEvent,
    RectificationOrder,
    SelfInspection,
)
from tests.inspections.conftest import answers

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def photo():
    return SimpleUploadedFile("p.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")


def record(venue, by, findings=("吸管",), type_=Inspection.Type.SURPRISE, **kw):
    return services.inspection_record(
        venue=venue, by=by, type=type_, outcome=Inspection.Outcome.RECTIFICATION, departments=["narcotics"],
        findings=[services.FindingInput(f, "medium") for f in findings], **kw)


def test_self_inspection_once_per_day_and_failed_items_become_findings(users, venues, checklists):
    v, m = venues["a"], users["manager_a"]
    si = services.selfinspection_submit(venue=v, by=m, answers=answers(checklists["self"], fail={0, 3}))
    assert si.failed_items == 2 and Finding.objects.filter(self_inspection=si).count() == 2
    with pytest.raises(ValidationError, match="already"):
        services.selfinspection_submit(venue=v, by=m, answers=answers(checklists["self"]))
    assert SelfInspection.objects.filter(venue=v).count() == 1


def test_self_inspection_must_answer_every_item_and_only_own_venue(users, venues, checklists):
    some = answers(checklists["self"])[:2]
    with pytest.raises(ValidationError):
        services.selfinspection_submit(venue=venues["a"], by=users["manager_a"], answers=some)
    with pytest.raises(PermissionDenied):
        services.selfinspection_submit(venue=venues["a"], by=users["manager_a2"], answers=answers(checklists["self"]))
    assert not SelfInspection.objects.exists()


def test_missed_days_are_recorded_once_and_skip_closed_days(users, venues, checklists):
    from staff.services import venue_day_close
    from venues.models import Venue

    day = timezone.localdate() - timedelta(days=1)
    Venue.objects.update(created_at=timezone.now() - timedelta(days=30))
    venue_day_close(venue=venues["a2"], day=day, by=users["manager_a2"], reason="装修")
    assert services.selfinspections_mark_missed(day=day) == 2  # a and b; a2 was closed
    assert services.selfinspections_mark_missed(day=day) == 0
    assert set(SelfInspection.objects.filter(day=day).values_list("venue_id", flat=True)) == {
        venues["a"].pk, venues["b"].pk}


def test_rectification_state_machine(users, venues):
    officer, manager = users["officer_a"], users["manager_a"]
    finding = record(venues["a"], officer).findings.get()
    order = services.rectification_issue(finding=finding, by=officer)
    assert order.deadline == timezone.localdate() + timedelta(days=7)
    with pytest.raises(ValidationError, match="not possible"):
        services.rectification_accept(order=order, by=officer)  # nothing submitted yet
    with pytest.raises(ValidationError):
        services.rectification_submit(order=order, by=manager, note="done", photos=[])  # evidence required
    services.rectification_submit(order=order, by=manager, note="清理完毕", photos=[photo()])
    with pytest.raises(ValidationError, match="not possible"):
        services.rectification_submit(order=order, by=manager, note="again", photos=[photo()])
    with pytest.raises(ValidationError):
        services.rectification_reject(order=order, by=officer, reason=" ")
    services.rectification_reject(order=order, by=officer, reason="照片不清楚")
    services.rectification_submit(order=order, by=manager, note="重新拍照", photos=[photo()])
    order = services.rectification_accept(order=order, by=officer)
    assert order.status == "closed" and not order.closed_late
    assert list(order.events.values_list("action", flat=True)) == [
        "issued", "submitted", "rejected", "submitted", "accepted"]
    with pytest.raises(ValidationError):
        services.rectification_reject(order=order, by=officer, reason="late")


def test_only_the_venue_submits_and_only_officers_verify(users, venues):
    finding = record(venues["a"], users["officer_a"]).findings.get()
    order = services.rectification_issue(finding=finding, by=users["officer_a"])
    with pytest.raises(PermissionDenied):
        services.rectification_submit(order=order, by=users["officer_a"], note="x", photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.rectification_submit(order=order, by=users["manager_a2"], note="x", photos=[photo()])
    with pytest.raises(PermissionDenied):
        services.rectification_issue(finding=Finding.objects.create(
            venue=venues["a"], self_inspection=None, inspection=order.finding.inspection, description="x",
            found_on=timezone.localdate()), by=users["manager_a"])


def test_extension_once_with_reason(users, venues):
    officer = users["officer_a"]
    order = services.rectification_issue(finding=record(venues["a"], officer).findings.get(), by=officer)
    later = order.deadline + timedelta(days=5)
    with pytest.raises(ValidationError):
        services.rectification_extend(order=order, by=officer, new_deadline=later, reason="")
    with pytest.raises(ValidationError):
        services.rectification_extend(order=order, by=officer, new_deadline=order.deadline, reason="x")
    order = services.rectification_extend(order=order, by=officer, new_deadline=later, reason="等待配件")
    assert order.deadline == later and order.extended
    with pytest.raises(ValidationError, match="once"):
        services.rectification_extend(order=order, by=officer, new_deadline=later + timedelta(days=1), reason="x")


def test_deadline_is_a_local_date_across_time_zones(users, venues):
    officer = users["officer_a"]
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=SH), tick=False):
        order = services.rectification_issue(finding=record(venues["a"], officer).findings.get(), by=officer)
    assert str(order.deadline) == "2026-03-08"
    # 23:59 local on the deadline (15:59 UTC): not overdue, the job marks nothing.
    with time_machine.travel(datetime(2026, 3, 8, 23, 59, tzinfo=SH), tick=False):
        order.refresh_from_db()
        assert not order.is_overdue
        assert services.rectifications_flag_overdue().newly_overdue == 0
    # 00:00 local the next day is still 16:00 UTC on the 8th — but overdue in Shanghai.
    with time_machine.travel(datetime(2026, 3, 9, 0, 0, tzinfo=SH), tick=False):
        order.refresh_from_db()
        assert order.is_overdue
        assert services.rectifications_flag_overdue().newly_overdue == 1
    order.refresh_from_db()
    assert str(order.overdue_since) == "2026-03-09"


def test_overdue_job_is_idempotent_one_alert_per_venue_and_escalates(users, venues, django_assert_max_num_queries):
    officer = users["officer_a"]
    insp = record(venues["a"], officer, findings=("一", "二", "三"))
    for f in insp.findings.all():
        services.rectification_issue(finding=f, by=officer)
    today = timezone.localdate()
    RectificationOrder.objects.update(issued_on=today - timedelta(days=20), deadline=today - timedelta(days=2))
    RectificationOrder.objects.filter(pk=RectificationOrder.objects.first().pk).update(
        deadline=today - timedelta(days=10))
    r = services.rectifications_flag_overdue()
    assert (r.newly_overdue, r.alerts_created, r.tasks_raised) == (3, 1, 1)
    alert = Alert.objects.get(kind="rectification_overdue")
    assert alert.venue == venues["a"] and len(alert.evidence["orders"]) == 3
    assert InterviewTask.objects.filter(reason="overdue_rectification").count() == 1
    with django_assert_max_num_queries(12):
        again = services.rectifications_flag_overdue()
    assert (again.newly_overdue, again.alerts_created, again.alerts_updated, again.tasks_raised) == (0, 0, 0, 0)
    assert RectificationEvent.objects.filter(action="overdue").count() == 3
    assert Alert.objects.filter(kind="rectification_overdue").count() == 1


def test_undercover_needs_police_and_disclosure_before_orders(users, venues):
    with pytest.raises(PermissionDenied):
        record(venues["a"], users["partner_a"], type_=Inspection.Type.UNDERCOVER)
    uc = record(venues["a"], users["officer_a"], type_=Inspection.Type.UNDERCOVER)
    with pytest.raises(ValidationError, match="Disclose"):
        services.rectification_issue(finding=uc.findings.get(), by=users["officer_a"])
    services.inspection_disclose(inspection=uc, by=users["officer_a"])
    assert services.rectification_issue(finding=uc.findings.get(), by=users["officer_a"]).pk


def test_record_a_planned_inspection_and_positives_check(users, venues):
    plan = services.inspection_plan(venue=venues["a"], by=users["officer_a"], type="routine",
                                    planned_for=timezone.localdate())
    with pytest.raises(ValidationError):
        record(venues["a"], users["officer_a"], inspection=plan, people_tested=1, positives=2)
    done = record(venues["a"], users["officer_a"], inspection=plan, people_tested=5, positives=2)
    assert done.pk == plan.pk and done.status == "done"
    with pytest.raises(ValidationError):
        record(venues["a"], users["officer_a"], inspection=plan)


def test_joint_inspection_needs_two_departments_and_partner_records_own(users, venues):
    with pytest.raises(ValidationError):
        services.inspection_record(venue=venues["a"], by=users["officer_a"], type="joint", outcome="no_problem",
                                   departments=["narcotics"])
    with pytest.raises(PermissionDenied):
        services.inspection_record(venue=venues["a"], by=users["partner_a"], type="routine", outcome="no_problem",
                                   departments=["narcotics"])
    ok = services.inspection_record(venue=venues["a"], by=users["partner_a"], type="routine", outcome="no_problem")
    assert [d.department for d in ok.departments.all()] == ["fire"]


def test_interview_task_raise_is_idempotent_and_interview_fulfils_it(users, venues):
    t1, c1 = services.interview_task_raise(venue_id=venues["a"].pk, reason="no_prevention_training",
                                           source="training:manager:1", detail={})
    t2, c2 = services.interview_task_raise(venue_id=venues["a"].pk, reason="no_prevention_training",
                                           source="training:manager:1", detail={})
    assert c1 and not c2 and t1.pk == t2.pk
    iv = services.interview_record(venue=venues["a"], by=users["officer_a"], attendee="钱伟",
                                   reason="no_prevention_training", held_on=timezone.localdate(), summary="约谈",
                                   task=t1)
    t1.refresh_from_db()
    assert t1.status == "done" and t1.interview == iv
