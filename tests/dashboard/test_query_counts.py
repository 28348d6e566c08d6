"""The officer's pages run the same number of queries at 3 and at 30 venues (exact counts)."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.services import monthly_report_build
from tests.dashboard.test_home import _grow, loaded  # noqa: F401 — the shared fixture
from tests.reports.test_monthly import month_start

PAGES = {
    "alert list": (reverse("alerts:inbox"), 9),  # the 9th: precision per kind and month (issue 10)
    "venue list": (reverse("venues:list"), 8),
    "due list": (reverse("ratings:due"), 8),
    "sign-in statistics": (reverse("dashboard:signins"), 5),  # the ranking from the cache (issue 15)
}


def _count(client: Any, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as q:
        assert client.get(path).status_code == 200
    return len(q)


@pytest.mark.parametrize("page", list(PAGES))
def test_list_pages_run_the_same_queries_at_3_and_30_venues(client_for, users, loaded, tree, page):  # noqa: F811
    path, expected = PAGES[page]
    client = client_for(users["officer_a"])
    small = _count(client, path)
    _grow(tree, users, 27)
    assert (small, _count(client, path)) == (expected, expected)


def test_sign_in_statistics_counted_afresh_run_the_same_queries_at_3_and_30_venues(  # noqa: F811
        client_for, users, loaded, tree, settings):  # noqa: F811
    """What the first reader of a period (or the warming job) pays: seven queries, however many venues."""
    settings.DAODAO_DASHBOARD_CACHE_SECONDS = 0
    client = client_for(users["officer_a"])
    small = _count(client, reverse("dashboard:signins"))
    _grow(tree, users, 27)
    assert (small, _count(client, reverse("dashboard:signins"))) == (7, 7)


def test_monthly_report_page_runs_the_same_queries_at_3_and_30_venues(client_for, users, loaded, tree):  # noqa: F811
    client = client_for(users["officer_a"])

    def count() -> int:
        report = monthly_report_build(jurisdiction=tree["district_a"], month=month_start())
        return _count(client, reverse("reports:detail", args=[report.pk]))

    small = count()
    _grow(tree, users, 27)
    assert (small, count()) == (6, 6)
