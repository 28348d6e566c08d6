"""Issue 13's appeal in a real browser: the manager appeals a deduction from a 390x844
phone, a second narcotics officer of the district upholds it on a desktop, the manager
publishes a reply, and the public plaque page shows the reply and the outcome."""

import pytest

from appeals.models import Appeal
from tests.appeals.conftest import decider, finding_line, frozen  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, png_upload
from tests.e2e.conftest import login
from tests.e2e.test_phone_walks import shot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_appeal_from_the_managers_phone_to_the_public_page(live_server, page_factory, users, frozen,  # noqa: F811
                                                           finding_line, decider, tmp_path):  # noqa: F811
    upload = png_upload()
    photo = tmp_path / "receipt.png"
    photo.write_bytes(upload.read())
    phone = page_factory(phone=True)
    login(phone, live_server.url, "manager_a", PASSWORD)
    panel = phone.locator(".appeals-panel")
    assert "可在 2026-10-15 前申诉" in panel.inner_text()
    panel.locator("a.button", has_text="申诉").first.click()
    phone.wait_for_load_state("networkidle")
    phone.check(f"input[name=deduction][value='{finding_line.pk}']")
    phone.fill("textarea[name=reasons]", "吸管是顾客遗留的饮料吸管。")
    phone.set_input_files("input[name=attachments]", str(photo))
    shot(phone, "appeal_1_filing")
    phone.click("form.form button.primary")
    phone.wait_for_load_state("networkidle")
    assert "待复核" in phone.content()
    appeal = Appeal.objects.get()
    assert phone.problems == [], phone.problems

    desk = page_factory()
    login(desk, live_server.url, "officer_a_n2", PASSWORD)
    assert "评级申诉待复核" in desk.content()
    desk.goto(f"{live_server.url}/appeals/{appeal.pk}/")
    desk.check("input[name=outcome][value=upheld]")
    desk.fill("textarea[name=reasons]", "现场照片显示为普通饮料吸管。")
    desk.click("form.form button.primary")
    desk.wait_for_load_state("networkidle")
    shot(desk, "appeal_2_decided")
    assert "申诉成立" in desk.content() and "95.00" in desk.content()
    assert desk.problems == [], desk.problems

    phone.goto(f"{live_server.url}/venues/{frozen.venue_id}/")
    phone.locator(".appeals-panel a.button", has_text="回应评级").click()
    phone.wait_for_load_state("networkidle")
    phone.fill("textarea[name=text]", "我们已更换全部吸管并加强包厢巡查。")
    phone.click("form.form button.primary")
    phone.wait_for_load_state("networkidle")

    public = page_factory(phone=True)
    public.goto(f"{live_server.url}/r/{frozen.plaque_token}/")
    shot(public, "appeal_3_plaque")
    text = public.content()
    assert "我们已更换全部吸管并加强包厢巡查。" in text and "申诉成立" in text and "95.00" in text
    assert public.problems == [], public.problems
