"""Outreach visits by month, as an Excel file (audited) and through the read-only API: the
same scope as the pages, a venue outside it never named, bad months refused."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from outreach.services import outreach_visit_record

pytestmark = pytest.mark.django_db


def visit(users, venue_list, day, summary):
    return outreach_visit_record(by=users["assoc_a"], day=day, venues=venue_list, volunteers=3, summary=summary,
                                 volunteer_names="王芳、李娜")


@pytest.fixture
def visits(users, venues):
    return [visit(users, [venues["a"], venues["a2"]], date(2026, 11, 3), "十一月宣传"),
            visit(users, [venues["a2"]], date(2026, 10, 20), "十月宣传")]


def _rows(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return [list(r) for r in load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True)]


def test_the_month_filter_narrows_the_list(client_for, users, visits):
    c = client_for(users["assoc_a"])
    body = c.get("/outreach/", {"month": "2026-11"}).content.decode()
    assert "十一月宣传" in body and "十月宣传" not in body and "2026-11 的走访记录" in body
    body = c.get("/outreach/").content.decode()
    assert "十一月宣传" in body and "十月宣传" in body


@pytest.mark.parametrize("bad", ["2026-13", "2026-1", "٢٠٢٦-١١", "1999-01", "x"])
def test_a_bad_month_is_refused(client_for, api_for, users, visits, bad):
    c = client_for(users["assoc_a"])
    c.raise_request_exception = True
    assert c.get("/outreach/", {"month": bad}).status_code == 404
    assert c.get("/outreach/export/", {"month": bad}).status_code == 404
    response = api_for(users["assoc_a"]).get("/api/v1/outreach-visits/", {"month": bad})
    assert response.status_code == 400 and "month" in response.json()


def test_export_holds_the_months_visits_and_is_audited(client_for, users, venues, visits):
    response = client_for(users["assoc_a"]).get("/outreach/export/", {"month": "2026-11"})
    assert response.status_code == 200
    rows = _rows(response)
    assert "2026-11" in str(rows[0][0])  # the title row names the filter
    data = [r for r in rows[2:] if r[0] is not None]
    assert len(data) == 1 and data[0][1] == "越城区" and data[0][3:6] == [3, "王芳、李娜", "十一月宣传"]
    assert set(data[0][2].split("、")) == {venues["a"].name, venues["a2"].name}
    event = AuditEvent.objects.filter(action="export").latest("at")
    assert event.detail["what"] == "outreach_visits" and event.detail["rows"] == 1


def test_a_manager_exports_only_their_venue_and_never_names_another(client_for, users, venues, visits):
    rows = _rows(client_for(users["manager_a"]).get("/outreach/export/"))
    data = [r for r in rows[2:] if r[0] is not None]
    assert len(data) == 1 and data[0][2] == venues["a"].name  # the visit to both venues, naming only theirs
    assert venues["a2"].name not in str(rows)


def test_coverage_export_lists_the_unvisited(client_for, users, venues, visits):
    response = client_for(users["assoc_a"]).get("/outreach/coverage/export/")
    assert response.status_code == 200
    names = [r[0] for r in _rows(response)[2:]]
    assert venues["b"].name not in names  # another district
    assert AuditEvent.objects.filter(action="export", detail__what="outreach_coverage").exists()


@pytest.mark.parametrize("role", ["partner_a", "officer_b"])
def test_outsiders_get_nothing_from_the_exports_and_the_api(client_for, api_for, users, visits, role):
    c, api = client_for(users[role]), api_for(users[role])
    if role == "partner_a":  # partner departments do not read outreach at all
        assert c.get("/outreach/export/").status_code == 404
        assert c.get("/outreach/coverage/export/").status_code == 404
        assert api.get("/api/v1/outreach-visits/").status_code in (403, 404)
    else:  # another district's officer: their own, empty area
        assert "十一月宣传" not in str(_rows(c.get("/outreach/export/")))
        assert api.get("/api/v1/outreach-visits/").json()["count"] == 0
    assert api.get(f"/api/v1/outreach-visits/{visits[0].pk}/").status_code in (403, 404)


def test_api_lists_by_month_and_venue_with_only_visible_venues(api_for, users, venues, visits):
    api = api_for(users["assoc_a"])
    body = api.get("/api/v1/outreach-visits/", {"month": "2026-10"}).json()
    assert [v["summary"] for v in body["results"]] == ["十月宣传"]
    body = api.get("/api/v1/outreach-visits/", {"venue": venues["a"].pk}).json()
    assert [v["summary"] for v in body["results"]] == ["十一月宣传"]
    one = api_for(users["manager_a"]).get(f"/api/v1/outreach-visits/{visits[0].pk}/").json()
    assert one["venues"] == [{"id": venues["a"].pk, "name": venues["a"].name}] and one["volunteers"] == 3
    assert api_for(users["manager_a"]).get(f"/api/v1/outreach-visits/{visits[1].pk}/").status_code == 404
