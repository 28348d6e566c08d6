"""An officer's morning in Chromium: the dashboard, a work-list line to the action, the
monthly report and an export download."""

import pytest

from tests.conftest import PASSWORD
from tests.dashboard.test_home import load_venue
from tests.e2e.conftest import login

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_officer_morning(live_server, page_factory, users, venues):
    load_venue(venues["a"], users["officer_a"])
    load_venue(venues["b"], users["officer_b"])
    page = page_factory()
    login(page, live_server.url, "officer_a", PASSWORD)
    assert page.locator("h1").first.inner_text() == "今日工作"
    assert page.locator(".work-line").count() == 7
    assert page.locator(".trend svg").count() == 6 and page.locator("#map circle").count() == 1
    # The undispatched high alert: one click to the alert, where the dispatch form is.
    page.click("text=人数异常0")
    page.wait_for_load_state("networkidle")
    assert "/alerts/" in page.url and page.locator("form[action$='/dispatch/']").count() == 1
    page.go_back()
    # Overdue rectification: the board shows just that column.
    page.click(".work-line:has-text('超过期限') a.work-count")
    page.wait_for_load_state("networkidle")
    assert "show=overdue" in page.url and "修复监控0" in page.content()
    # Monthly report: build it, read it, download the Excel.
    page.click("nav.mainnav >> text=月报")
    page.wait_for_load_state("networkidle")
    page.click("text=立即生成月报")
    page.wait_for_load_state("networkidle")
    assert "监管月报" in page.content()
    with page.expect_download() as report:
        page.click("text=下载 Excel")
    assert report.value.suggested_filename.startswith("monthly-report-")
    # An export of the alert list with its filters.
    page.goto(f"{live_server.url}/alerts/?state=open&severity=3")
    with page.expect_download() as alerts:
        page.click("text=导出 Excel")
    assert alerts.value.suggested_filename.startswith("alerts-")
    # From the sign-in trend to the statistics per venue, the venue's own trend and the Excel file.
    page.goto(live_server.url)
    page.click("text=近 90 天每日签到人数")
    page.wait_for_load_state("networkidle")
    assert "/dashboard/signins/" in page.url and page.locator("h1").inner_text() == "签到统计"
    with page.expect_download() as signins:
        page.click("text=导出 Excel")
    assert signins.value.suggested_filename.startswith("signins-")
    page.click("table >> text=越城KTV")
    page.wait_for_load_state("networkidle")
    assert page.locator("#signin-trend svg").count() == 1
    assert page.problems == [], page.problems
