"""The fact readers against real records: the other apps' records become traceable deductions."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from alerts.models import Alert
from inspections import services as insp
from inspections.models import Inspection, RectificationOrder, SelfInspection
from ratings import facts, services
from ratings.models import Rating
from ratings.periods import quarter_of
from ratings.services import ratings_refresh

pytestmark = pytest.mark.django_db
D = Decimal
Q_START, Q_END = date(2026, 7, 1), date(2026, 9, 30)


def _refresh():
    start, end = quarter_of(timezone.localdate())
    ratings_refresh(start=start, end=end)
    return start


def test_inspection_pledge_and_training_records_deduct(users, venues):
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


def test_undisclosed_undercover_findings_do_not_count(users, venues):
    v = venues["a"]
    uc = insp.inspection_record(venue=v, by=users["officer_a"], type=Inspection.Type.UNDERCOVER, outcome="no_problem",
                                findings=[insp.FindingInput("暗访问题", "high")])
    start = _refresh()
    assert not Rating.objects.get(venue=v, period_start=start).deductions.filter(rule_code="finding_high").exists()
    insp.inspection_disclose(inspection=uc, by=users["officer_a"])
    _refresh()
    assert Rating.objects.get(venue=v, period_start=start).deductions.filter(rule_code="finding_high").exists()


def test_missed_self_inspections_and_overdue_orders(users, venues):
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
    assert today > start  # the fixed clock (tests/conftest.py) is mid-quarter
    assert "rectification_overdue" in codes


def test_due_list_plans_real_inspections_and_history_reads_them(client_for, users, venues):
    services.standings_refresh()
    c = client_for(users["officer_a"])
    assert c.post("/ratings/due/", {"venue": [venues["a"].pk, venues["b"].pk]}).status_code == 302
    planned = Inspection.objects.get(status="planned")  # venue b is outside officer_a's area
    assert planned.venue == venues["a"] and planned.assignee == users["officer_a"]
    assert planned.planned_for >= timezone.localdate()
    insp.inspection_record(venue=venues["a"], by=users["officer_a"], type="routine", outcome="no_problem",
                           inspection=planned)
    assert facts.last_inspections([venues["a"].pk]) == {venues["a"].pk: timezone.localdate()}
    assert facts.last_inspections([venues["a"].pk], undercover=True) == {}


def test_manual_adjustments_deduct_and_bonus_with_reason_and_audit(venues, users):
    from audit.models import AuditEvent

    va = venues["a"]
    services.adjustment_create(by=users["officer_a"], venue=va, occurred_on=date(2026, 8, 3), points=D(12),
                               reason="unregistered staff found")
    services.adjustment_create(by=users["officer_a"], venue=va, occurred_on=date(2026, 8, 4), points=D(-2),
                               reason="reported a dealer")
    manual = facts.facts_for("manual", [va.pk], Q_START, Q_END)
    assert sorted(f.units for f in manual) == [D(-2), D(12)]
    assert {f.description for f in manual} == {"unregistered staff found", "reported a dealer"}
    assert AuditEvent.objects.filter(action="rating_adjustment").count() == 2
    with pytest.raises(ValidationError):
        services.adjustment_create(by=users["officer_a"], venue=va, occurred_on=date(2026, 8, 3), points=D(1),
                                   reason="  ")
    with pytest.raises(PermissionDenied):
        services.adjustment_create(by=users["manager_a"], venue=va, occurred_on=date(2026, 8, 3), points=D(1),
                                   reason="x")


def test_confirmed_signin_alerts_count_dismissed_do_not(venues):
    va = venues["a"]
    for i, status in enumerate(["handled", "closed", "dismissed", "open"]):
        a = Alert.objects.create(venue=va, kind=f"signin_test{i}", severity=2, status=status, title=f"t{i}",
                                 dismiss_reason=("false alarm" if status == "dismissed" else ""),
                                 last_raised_at=timezone.now())
        raised = datetime(2026, 8, 2, 0, 30, tzinfo=timezone.get_current_timezone())
        Alert.objects.filter(pk=a.pk).update(first_raised_at=raised)
    confirmed = facts.facts_for("signin_anomaly_confirmed", [va.pk], Q_START, Q_END)
    assert len(confirmed) == 2 and {f.occurred_on for f in confirmed} == {date(2026, 8, 2)}
    res = services.ratings_compute(venue_ids=[va.pk], start=Q_START, end=Q_END)[va.pk]
    assert [line.rule_code for line in res.lines].count("signin_anomaly_confirmed") == 2


def test_every_default_rule_has_a_reader_and_one_label():
    from ratings.rules import DEFAULT_RULES

    assert {code for code, *_ in DEFAULT_RULES} == set(facts.FACTS)
