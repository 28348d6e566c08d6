"""Exports of the officer's lists: the page's filters and scope, a title row, frozen header,
autofilter, real dates, audited; outsiders get 404."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEvent
from tests.dashboard.test_home import loaded  # noqa: F401 — the shared fixture

EXPORTS = ["alerts:export", "inspections:plan_export", "inspections:board_export", "inspections:tasks_export",
           "ratings:due_export", "dashboard:signins_export", "venues:export"]


def sheets(response):
    wb = load_workbook(io.BytesIO(response.content))
    return {ws.title: ws for ws in wb.worksheets}


@pytest.mark.parametrize("name", EXPORTS)
def test_officer_exports_own_area_with_title_header_and_audit(client_for, users, loaded, name):  # noqa: F811
    r = client_for(users["officer_a"]).get(reverse(name))
    assert r.status_code == 200
    values = []
    for ws in sheets(r).values():
        assert "越城区" in ws["A1"].value and "导出" in ws["A1"].value
        assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2:")
        assert ws["A2"].font.b
        values += [c for row in ws.iter_rows(min_row=3, values_only=True) for c in row]
    assert "越城KTV" in values and "柯桥足浴" not in values
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=users["officer_a"]).count() == 1


def test_alert_export_keeps_the_pages_filters(client_for, users, loaded):  # noqa: F811
    r = client_for(users["officer_a"]).get(reverse("alerts:export"), {"state": "open", "severity": 3})
    ws = next(iter(sheets(r).values()))
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == ["人数异常0"]
    assert "高" in ws["A1"].value  # the filters are named in the title row
    assert hasattr(rows[0][7], "year")  # a real date, not text


def test_board_export_keeps_the_column(client_for, users, loaded):  # noqa: F811
    r = client_for(users["officer_a"]).get(reverse("inspections:board_export"), {"show": "overdue"})
    rows = list(next(iter(sheets(r).values())).iter_rows(min_row=3, values_only=True))
    assert [row[2] for row in rows] == ["修复监控0"]
    assert rows[0][6] == 2  # days overdue, a number


@pytest.mark.parametrize("name", EXPORTS)
@pytest.mark.parametrize("who", ["manager_a", "assoc_a"])
def test_outsiders_cannot_export(client_for, users, loaded, name, who):  # noqa: F811
    r = client_for(users[who]).get(reverse(name))
    if name == "venues:export" and who == "assoc_a":
        assert r.status_code == 200  # association staff read the venue registry of their area
        return
    assert r.status_code in (403, 404) if name == "venues:export" else r.status_code == 404


@pytest.mark.parametrize("name", EXPORTS[:-1])
def test_other_district_exports_nothing_of_ours(client_for, users, loaded, tree, name):  # noqa: F811
    r = client_for(users["officer_b"]).get(reverse(name))
    values = [c for ws in sheets(r).values() for row in ws.iter_rows(min_row=3, values_only=True) for c in row]
    assert "越城KTV" not in values
    assert client_for(users["officer_b"]).get(reverse(name), {"area": tree["district_a"].pk}).status_code in (
        200, 404)
