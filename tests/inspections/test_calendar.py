"""The inspection calendar at city scale: a few names per day, the rest counted and linked to
that day's list (planned and carried out), scoped like every list; the day filter's bad input."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from daodao.params import parse_day
from inspections import selectors, services
from inspections.models import Inspection

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 27)


def _plan(venue, officer, n, day=DAY):
    return [services.inspection_plan(venue=venue, by=officer, type="routine", planned_for=day) for _ in range(n)]


def test_a_busy_day_names_a_few_and_links_the_rest(client_for, users, venues):
    _plan(venues["a"], users["officer_a"], selectors.CALENDAR_PER_DAY + 2)
    _plan(venues["a2"], users["officer_a"], 1, day=date(2026, 11, 28))
    weeks = selectors.month_calendar(users["officer_a"], 2026, 11)
    cells = {c["day"]: c for week in weeks for c in week}
    busy = cells[DAY]
    assert len(busy["items"]) == selectors.CALENDAR_PER_DAY and busy["total"] == selectors.CALENDAR_PER_DAY + 2
    assert busy["more"] == 2
    assert cells[date(2026, 11, 28)]["total"] == 1 and cells[date(2026, 11, 28)]["more"] == 0

    page = client_for(users["officer_a"]).get(reverse("inspections:calendar"), {"y": 2026, "m": 11})
    html = page.content.decode()
    assert "?day=2026-11-27" in html and "还有 2 项" in html


def test_the_day_list_shows_that_days_plans_and_inspections_only(client_for, users, venues):
    plans = _plan(venues["a"], users["officer_a"], 6)
    other = _plan(venues["a"], users["officer_a"], 1, day=date(2026, 11, 30))[0]
    done = services.inspection_record(venue=venues["a2"], by=users["officer_a"], type="routine", outcome="no_problem")
    late = datetime(2026, 11, 27, 23, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # still the 27th, locally
    Inspection.objects.filter(pk=done.pk).update(carried_out_at=late)
    page = client_for(users["officer_a"]).get(reverse("inspections:plan"), {"day": "2026-11-27"})
    assert page.status_code == 200
    assert {i.pk for i in page.context["planned"]} == {p.pk for p in plans}
    assert other.pk not in {i.pk for i in page.context["planned"]}
    assert [i.pk for i in page.context["page"]] == [done.pk]
    assert "2026-11-27 的检查" in page.content.decode()


def test_the_day_list_is_scoped(client_for, users, venues):
    """Another district's officer following the same link sees none of them."""
    _plan(venues["a"], users["officer_a"], 3)
    page = client_for(users["officer_b"]).get(reverse("inspections:plan"), {"day": "2026-11-27"})
    assert page.status_code == 200
    assert list(page.context["planned"]) == [] and list(page.context["page"]) == []
    cells = {c["day"]: c for week in selectors.month_calendar(users["officer_b"], 2026, 11) for c in week}
    assert cells[DAY]["total"] == 0


@pytest.mark.parametrize("bad", ["2026-02-30", "٢٠٢٦-١١-٢٧", "20261127", "1999-01-01", "2026-11-27 ", "x", ""])
def test_a_bad_day_is_a_404_on_the_list_and_the_export(client_for, users, venues, bad):
    client = client_for(users["officer_a"])
    client.raise_request_exception = True
    assert client.get(reverse("inspections:plan"), {"day": bad}).status_code == 404
    assert client.get(reverse("inspections:plan_export"), {"day": bad}).status_code == 404


def test_the_export_follows_the_day(client_for, users, venues):
    """The export's planned sheet holds that day's two plans, and its title names the day."""
    import io

    from openpyxl import load_workbook

    _plan(venues["a"], users["officer_a"], 2)
    _plan(venues["a"], users["officer_a"], 3, day=date(2026, 11, 30))
    response = client_for(users["officer_a"]).get(reverse("inspections:plan_export"), {"day": "2026-11-27"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    planned = book.worksheets[1]
    values = [[c for c in row] for row in planned.iter_rows(values_only=True)]
    assert any("2026" in str(v) and "11" in str(v) and "27" in str(v) for v in values[0])  # the title row
    assert sum(1 for row in values if row[1] == venues["a"].name) == 2


def test_parse_day():
    assert parse_day("2026-11-27") == DAY
    for bad in (None, 20261127, "2026-13-01", "2026-1-1", "99999-01-01", "2101-01-01", "２０２６-１１-２７"):
        assert parse_day(bad) is None


def test_an_empty_month_says_so(client_for, users, venues):
    body = client_for(users["officer_a"]).get(reverse("inspections:calendar"), {"y": 2027, "m": 3}).content.decode()
    assert "本月没有计划或已完成的检查。" in body
    _plan(venues["a"], users["officer_a"], 1, day=date(2027, 3, 2))
    body = client_for(users["officer_a"]).get(reverse("inspections:calendar"), {"y": 2027, "m": 3}).content.decode()
    assert "本月没有计划或已完成的检查。" not in body and "越城KTV" in body


def test_the_board_names_the_most_urgent_of_each_column_and_counts_the_rest(client_for, users, venues,
                                                                             monkeypatch):
    """A province has thousands of open orders: each column shows the earliest deadlines, its
    full count, and how many more (the export holds them all). Another district sees none."""
    from datetime import timedelta

    from django.utils import timezone

    from inspections.models import RectificationOrder
    from inspections.views import orders as order_views

    monkeypatch.setattr(order_views, "BOARD_PER_COLUMN", 2)
    for _ in range(5):
        insp = services.inspection_record(venue=venues["a"], by=users["officer_a"], type="routine",
                                          outcome="rectification", findings=[services.FindingInput("x", "low")])
        services.rectification_issue(finding=insp.findings.get(), by=users["officer_a"])
    late = timezone.localdate() - timedelta(days=3)
    RectificationOrder.objects.filter(pk__in=list(RectificationOrder.objects.order_by("pk")
                                                  .values_list("pk", flat=True)[:3])).update(
        issued_on=late - timedelta(days=10), deadline=late)
    page = client_for(users["officer_a"]).get(reverse("inspections:board"))
    columns = {key: (orders, total, more) for key, orders, total, more in page.context["columns"]}
    assert [len(columns["overdue"][0]), columns["overdue"][1], columns["overdue"][2]] == [2, 3, 1]
    assert columns["open"][1] + columns["due_soon"][1] == 2
    assert "还有 1 项" in page.content.decode() and "show=overdue" in page.content.decode()
    everything = selectors.board_for_user(users["officer_a"])
    assert sum(len(orders) for orders, _total in everything.values()) == 5
    other = client_for(users["officer_b"]).get(reverse("inspections:board"))
    assert sum(total for _k, _o, total, _m in other.context["columns"]) == 0
