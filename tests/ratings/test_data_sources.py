"""The real sources: records of the other apps become traceable deductions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services as insp
from inspections.models import Inspection
from ratings.models import Rating
from ratings.services import quarter_of, ratings_refresh

pytestmark = pytest.mark.django_db


def _refresh():
    start, end = quarter_of(timezone.localdate())
    ratings_refresh(start=start, end=end)
    return start


def test_inspection_pledge_and_training_records_deduct(real_sources, users, venues):
    v = venues["a"]
    inspection = insp.inspection_record(venue=v, by=users["officer_a"], type="surprise", outcome="rectification",
                                        findings=[insp.FindingInput("吸管", "high")], people_tested=3, positives=1)
    start = _refresh()
    rating = Rating.objects.get(venue=v, period_start=start)
    codes = {d.rule_code: d for d in rating.deductions.all()}
    assert codes["finding_high"].source_id == str(inspection.findings.get().pk)
    assert codes["drug_test_positive"].points > 0
    assert "venue_pledge_missing" in codes
    assert rating.score < 100


def test_undisclosed_undercover_findings_do_not_count(real_sources, users, venues):
    v = venues["a"]
    uc = insp.inspection_record(venue=v, by=users["officer_a"], type=Inspection.Type.UNDERCOVER, outcome="no_problem",
                                findings=[insp.FindingInput("暗访问题", "high")])
    start = _refresh()
    assert not Rating.objects.get(venue=v, period_start=start).deductions.filter(rule_code="finding_high").exists()
    insp.inspection_disclose(inspection=uc, by=users["officer_a"])
    _refresh()
    assert Rating.objects.get(venue=v, period_start=start).deductions.filter(rule_code="finding_high").exists()


def test_missed_self_inspections_and_overdue_orders(real_sources, users, venues):
    from inspections.models import RectificationOrder, SelfInspection

    v = venues["a"]
    today = timezone.localdate()
    start, _end = quarter_of(today)
    SelfInspection.objects.create(venue=v, day=max(start, today - timedelta(days=1)), status="missed")
    finding = insp.inspection_record(venue=v, by=users["officer_a"], type="routine", outcome="rectification",
                                     findings=[insp.FindingInput("x", "low")]).findings.get()
    order = insp.rectification_issue(finding=finding, by=users["officer_a"])
    RectificationOrder.objects.filter(pk=order.pk).update(issued_on=start, deadline=start)
    _refresh()
    codes = set(Rating.objects.get(venue=v, period_start=start).deductions.values_list("rule_code", flat=True))
    assert {"selfcheck_missed", "finding_low"} <= codes
    if today > start:
        assert "rectification_overdue" in codes


def test_plan_creator_and_history_are_wired(real_sources, users, venues):
    from ratings import sources

    creator = sources.plan_creator()
    plan = creator(venue=venues["a"], due_on=timezone.localdate() + timedelta(days=3),
                   inspection_type="routine", assignee=users["officer_a"], by=users["officer_a"])
    assert plan.status == "planned" and plan.venue == venues["a"]
    insp.inspection_record(venue=venues["a"], by=users["officer_a"], type="routine", outcome="no_problem",
                           inspection=plan)
    assert sources.last_inspections([venues["a"].pk]) == {venues["a"].pk: timezone.localdate()}
