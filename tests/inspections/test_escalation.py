"""Escalation claims an order and raises its interview task together: a failure in between
leaves the order for the next run instead of claimed with no task."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Inspection, InterviewTask, RectificationEvent, RectificationOrder

pytestmark = pytest.mark.django_db


def overdue_order(venue, officer) -> RectificationOrder:
    insp = services.inspection_record(
        venue=venue, by=officer, type=Inspection.Type.SURPRISE, outcome=Inspection.Outcome.RECTIFICATION,
        departments=["narcotics"], findings=[services.FindingInput("吸管", "medium")])
    order = services.rectification_issue(finding=insp.findings.get(), by=officer)
    today = timezone.localdate()
    RectificationOrder.objects.filter(pk=order.pk).update(issued_on=today - timedelta(days=30),
                                                          deadline=today - timedelta(days=20))
    return order


def test_a_failed_escalation_is_completed_by_the_next_run(users, venues, monkeypatch):
    order = overdue_order(venues["a"], users["officer_a"])

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.rectifications, "interview_task_raise", broken)
    with pytest.raises(RuntimeError):
        services.rectifications_flag_overdue()
    order.refresh_from_db()
    assert not order.escalated and not InterviewTask.objects.exists()
    assert order.overdue_since is not None  # the steps before escalation stand
    monkeypatch.undo()

    result = services.rectifications_flag_overdue()
    assert result.tasks_raised == 1
    order.refresh_from_db()
    assert order.escalated
    task = InterviewTask.objects.get(reason="overdue_rectification")
    assert task.source == f"rectification:{order.pk}" and task.venue == venues["a"]
    assert RectificationEvent.objects.filter(order=order, action="escalated").count() == 1
    assert services.rectifications_flag_overdue().tasks_raised == 0
