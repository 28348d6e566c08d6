"""What positives feed: the rating's positive-test rule, the dashboard and the monthly report
(police only, by district); and the list pages run a constant number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hairtests.selectors import counts_by_district
from ratings import facts
from ratings.models import Rating
from ratings.periods import month_of, quarter_of
from ratings.services import ratings_refresh
from ratings.wording import deduction_lines
from reports.snapshot import month_snapshot
from staff.services import employee_register
from tests.conftest import hair_round_done, make_venue
from tests.staff.conftest import make_id, make_phone
from venues.scoping import venue_scope

from .conftest import NAMES, client_as

pytestmark = pytest.mark.django_db


@pytest.fixture
def positive_round(users, venues, staff_a):
    return hair_round_done(users, venues["a"], outcome="positive")


def test_the_positive_test_rule_counts_hair_test_positives(users, venues, positive_round):
    today = timezone.localdate()
    start, end = quarter_of(today)
    found = [f for f in facts.facts_for("drug_test_positive", [venues["a"].pk, venues["a2"].pk], start, end)
             if f.source_type == "hairtests.hairtestround"]
    assert len(found) == 1
    fact = found[0]
    assert fact.venue_id == venues["a"].pk and fact.units == 3 and fact.source_id == str(positive_round.pk)
    assert fact.occurred_on == today
    # The venue reads the round and the count, never a name.
    assert not any(name in fact.description for name in NAMES)
    ratings_refresh(start=start, end=end, venue_ids=[venues["a"].pk])
    rating = Rating.objects.get(venue=venues["a"], period_start=start)
    deduction = rating.deductions.get(rule_code="drug_test_positive")
    assert deduction.points > 0 and rating.score < 100
    for line in deduction_lines([deduction], police=False):
        assert not any(name in line.text for name in NAMES)
        assert line.source is None and line.source_url is None  # the venue gets no link to the round
    (police,) = deduction_lines([deduction], police=True)
    assert police.source_url == f"/hairtests/{positive_round.pk}/" and str(police.source) == "查看毛发自检批次"


def test_negatives_do_not_deduct(users, venues, staff_a):
    hair_round_done(users, venues["a"], outcome="negative")
    start, end = quarter_of(timezone.localdate())
    assert not facts.facts_for("drug_test_positive", [venues["a"].pk], start, end)


def test_counts_by_district_on_the_dashboard_and_in_the_monthly_report(users, venues, tree, positive_round):
    today = timezone.localdate()
    rows = counts_by_district(venues=venue_scope(users["officer_a"]), since=today.replace(month=1, day=1))
    assert rows == [{"district": "越城区", "rounds": 1, "tested": 3, "positives": 3}]
    assert counts_by_district(venues=venue_scope(users["officer_b"]), since=today.replace(day=1)) == []
    home = client_as(users["officer_a"]).get(reverse("home")).content.decode()
    assert "越城区" in home and reverse("hairtests:list") in home
    # The city report compares districts; the district's report counts its own.
    data = month_snapshot(tree["city"], today)
    assert data["current"]["hair_tests"] == {"rounds": 1, "tested": 3, "positives": 3}
    assert data["current"]["hair_tests_by_district"][0]["district"] == "越城区"
    assert month_snapshot(tree["district_b"], today)["current"]["hair_tests"] == {
        "rounds": 0, "tested": 0, "positives": 0}
    start, _end = month_of(today)
    previous = month_snapshot(tree["city"], start - timedelta(days=1))
    assert previous["current"]["hair_tests"]["rounds"] == 0


def test_the_dashboard_panel_is_police_only(users, venues, positive_round):
    from hairtests.selectors import dashboard_context

    class Req:
        def __init__(self, user):
            self.user = user

    assert dashboard_context(Req(users["officer_a"])) is not None
    for who in ("manager_a", "assoc_a", "partner_a", "social_a1"):
        assert dashboard_context(Req(users[who])) is None


def _more_rounds(users, tree, n):
    """n more venues of district A, each with a completed round of two employees."""
    from hairtests.models import HairTestRound

    start = HairTestRound.objects.count()
    for i in range(n):
        k = start + i
        venue = make_venue(f"新场所{k}", tree["station_a1"], _licence(k), street=tree["street_a1"])
        venue.managers.add(users["manager_a"])
        for j in range(2):
            employee_register(by=users["admin"], venue=venue, name=f"员工{k}{j}", id_number=make_id(100 + k * 2 + j),
                              phone=make_phone(100 + k * 2 + j))
        hair_round_done(users, venue, outcome="negative", code=f"M{k}")


def _licence(k):
    from daodao.identifiers import uscc_check_char

    first17 = f"91330602MA2C{k:04d}A"
    return first17 + uscc_check_char(first17)


@pytest.mark.parametrize("who", ["officer_a", "manager_a", "social_a1"])
def test_list_query_count(who, users, venues, tree, staff_a, positive_round, same_queries):
    client = client_as(users[who])
    expected = {"officer_a": 6, "manager_a": 7, "social_a1": 6}[who]
    same_queries(lambda: client.get(reverse("hairtests:list")), lambda: _more_rounds(users, tree, 3), expected)


@pytest.mark.parametrize("who", ["officer_a", "manager_a"])
def test_api_list_query_count(who, users, venues, tree, staff_a, positive_round, same_queries):
    client = client_as(users[who])
    expected = {"officer_a": 8, "manager_a": 7}[who]
    same_queries(lambda: client.get("/api/v1/hairtests/rounds/"), lambda: _more_rounds(users, tree, 3), expected)
