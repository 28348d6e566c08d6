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
