"""A hair self-test round in a real browser: the manager applies from a 390x844 phone, the
district's narcotics officer schedules it on a desktop, the street's social worker records
the samples and the lab results on a phone, and the officer reads the results -- while the
manager's phone shows that the round is complete but never an individual result."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hairtests.models import HairTestRound
from tests.conftest import PASSWORD, png_upload
from tests.e2e.conftest import login
from tests.e2e.test_phone_walks import shot
from tests.hairtests.conftest import NAMES, staff_a  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def _submit(page, form) -> None:
    form.locator("button.primary").click()
    page.wait_for_load_state("networkidle")


def test_hair_test_round_from_the_managers_phone_to_the_officers_results(live_server, page_factory, users, venues,
                                                                          staff_a, tmp_path):  # noqa: F811
    today = timezone.localdate()
    scan = tmp_path / "scan.png"
    scan.write_bytes(png_upload().read())

    # 1. The manager applies for two of the three employees.
    phone = page_factory(phone=True)
    login(phone, live_server.url, "manager_a", PASSWORD)
    phone.goto(f"{live_server.url}/hairtests/apply/{venues['a'].pk}/")
    phone.uncheck("input[name=everyone]")
    for employment in staff_a[:2]:
        phone.check(f"input[name=employments][value='{employment.pk}']")
    phone.fill("input[name=preferred_from]", (today + timedelta(days=2)).isoformat())
    phone.fill("input[name=preferred_until]", (today + timedelta(days=9)).isoformat())
    shot(phone, "hairtest_1_apply")
    _submit(phone, phone.locator("form.form"))
    rnd = HairTestRound.objects.get()
    assert rnd.status == "applied" and rnd.subjects.count() == 2
    assert phone.problems == [], phone.problems

    # 2. The district's narcotics officer schedules it for today.
    desk = page_factory()
    login(desk, live_server.url, "officer_a", PASSWORD)
    desk.goto(f"{live_server.url}/hairtests/{rnd.pk}/")
    schedule = desk.locator(f"form[action='/hairtests/{rnd.pk}/schedule/']")
    schedule.locator("input[name=day]").fill(today.isoformat())
    _submit(desk, schedule)
    rnd.refresh_from_db()
    assert rnd.status == "scheduled"

    # 3. The social worker samples both on a phone, then enters the lab results.
    worker = page_factory(phone=True)
    login(worker, live_server.url, "social_a1", PASSWORD)
    url = f"{live_server.url}/hairtests/{rnd.pk}/"
    for i, subject in enumerate(rnd.subjects.order_by("pk")):
        worker.goto(url)
        form = worker.locator(f"form[action='/hairtests/samples/{subject.pk}/']")
        form.locator("xpath=..").locator("summary").click()
        form.locator("input[name=sample_code]").fill(f"yc-{i}")
        form.locator("input[name=consent]").check()
        _submit(worker, form)
    for subject, outcome in zip(rnd.subjects.order_by("pk"), ("positive", "negative"), strict=True):
        worker.goto(url)
        form = worker.locator(f"form[action='/hairtests/samples/{subject.pk}/result/']")
        form.locator("xpath=..").locator("summary").click()
        form.locator("select[name=outcome]").select_option(outcome)
        form.locator("input[name=lab]").fill("绍兴检测中心")
        form.locator("input[name=report_no]").fill(f"R-{outcome}")
        form.locator("input[name=report]").set_input_files(str(scan))
        _submit(worker, form)
    shot(worker, "hairtest_2_worker")
    rnd.refresh_from_db()
    assert rnd.status == "completed"
    assert worker.problems == [], worker.problems

    # 4. The officer reads the results; the manager sees the round complete, no result.
    desk.goto(url)
    shot(desk, "hairtest_3_officer")
    text = desk.inner_text("main table")
    assert "阳性" in text and "R-positive" in text and "R-negative" in text and NAMES[0] in text
    phone.goto(url)
    shot(phone, "hairtest_4_manager")
    text = phone.inner_text("main table")
    assert NAMES[0] in text and "已检测" in text
    assert "R-positive" not in text and "R-negative" not in text and "绍兴检测中心" not in text
    assert "阳性" not in text and "阴性" not in text.replace(NAMES[1], "")
    assert desk.problems == [] and phone.problems == [], desk.problems + phone.problems
