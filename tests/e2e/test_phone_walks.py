"""Issue 12 on a 390x844 phone: the employee's first day (sign in while pending, then the
pledge and the exam without identifying again) and the manager's morning (today's to-do,
chase a missing sign-in, open the self-inspection and an order). Screenshots go to
$DAODAO_SHOTS when it is set, to be looked at."""

import os

import pytest

from staff.models import Employment
from staff.services import employee_register
from tests.conftest import PASSWORD
from tests.e2e.conftest import login
from tests.e2e.test_employee_onboarding import answer_exam, bank  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    folder = os.environ.get("DAODAO_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_employee_first_day_sign_in_pledge_exam(live_server, page_factory, users, venues, bank):  # noqa: F811
    employment = employee_register(by=users["manager_a"], venue=venues["a"], name="王新", phone="13900000003",
                                   id_number="11010519491231002X")
    phone = page_factory(phone=True)
    base = f"{live_server.url}/s/{venues['a'].signin_token}"
    phone.goto(f"{base}/")
    phone.fill("input[name=id_number]", "11010519491231002X")
    phone.fill("input[name=phone]", "13900000003")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    shot(phone, "e2e_1_signed_in_pending")
    assert "签到成功" in phone.content() and "您还没有完成禁毒培训" in phone.content()

    phone.click("text=第一步：签署责任状")
    phone.wait_for_load_state("networkidle")
    # Remembered from the sign-in: no second identification, straight to the text and signature.
    assert phone.locator("input[name=id_number]").count() == 0
    phone.locator("canvas[data-signature]").scroll_into_view_if_needed()
    box = phone.locator("canvas[data-signature]").bounding_box()
    phone.mouse.move(box["x"] + 20, box["y"] + 40)
    phone.mouse.down()
    for i in range(1, 12):
        phone.mouse.move(box["x"] + 20 + i * 20, box["y"] + 40 + (i % 3) * 25)
    phone.mouse.up()
    phone.check("input[name=consent]")
    phone.fill("input[name=typed_name]", "王新")
    phone.click("button[type=submit]")
    phone.wait_for_load_state("networkidle")
    shot(phone, "e2e_2_pledge_signed")

    phone.goto(f"{base}/exam/")
    assert phone.locator("input[name=id_number]").count() == 0
    phone.click("button[type=submit]")  # start
    phone.wait_for_load_state("networkidle")
    answer_exam(phone, correct=True)
    shot(phone, "e2e_3_exam_passed")
    employment.refresh_from_db()
    assert employment.status == Employment.Status.ACTIVE
    assert phone.problems == [], phone.problems


def test_manager_morning_on_a_phone(live_server, page_factory, users, bank, world):  # noqa: F811
    absent = employee_register(by=users["admin"], venue=world["venue"], name="李娜", id_number="11010519491231002X",
                               phone="13900000004")
    phone = page_factory(phone=True)
    login(phone, live_server.url, "manager_a", PASSWORD)
    # One venue: straight to it, today's to-do first.
    assert phone.url.rstrip("/").endswith(f"/venues/{world['venue'].pk}")
    shot(phone, "e2e_4_manager_todo")
    todo = phone.locator(".todo-card")
    assert todo.is_visible() and todo.bounding_box()["y"] < 844
    assert "李娜" in todo.inner_text()
    assert todo.locator(f'a[href="tel:{absent.person.phone}"]').count() == 1
    todo.locator("text=去自查").click()
    phone.wait_for_load_state("networkidle")
    assert "/inspections/self/" in phone.url
    phone.go_back()
    phone.locator(".todo-card").locator(f"text={world['order'].requirement}").click()
    phone.wait_for_load_state("networkidle")
    shot(phone, "e2e_5_manager_order")
    assert "下一步" in phone.content() and "提交整改材料" in phone.content()
    assert phone.problems == [], phone.problems
