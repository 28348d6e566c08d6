import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import login

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_and_browses_venues_without_csp_errors(live_server, page_factory, users, venues):
    page = page_factory()
    login(page, live_server.url, "officer_a", PASSWORD)
    assert page.url.rstrip("/") == live_server.url
    assert "工作台" in page.content()
    page.click("text=场所管理")
    page.wait_for_load_state("networkidle")
    assert "越城KTV" in page.content() and "柯桥足浴" not in page.content()
    page.click("text=越城KTV")
    page.wait_for_load_state("networkidle")
    assert "营业执照号" in page.content()
    page.goto(f"{live_server.url}/venues/{venues['a'].pk}/poster/")
    assert page.locator(".qr svg").count() == 1
    assert page.problems == [], page.problems


def test_wrong_password_shows_error_and_language_switch_works(live_server, page_factory, users):
    page = page_factory()
    login(page, live_server.url, "officer_a", "not-the-password")
    assert "/accounts/login/" in page.url
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")  # app.js submits the form on change
    assert "Log in" in page.content()
    assert page.problems == [], page.problems


def test_manager_on_a_phone_sees_their_venue_and_the_menu(live_server, page_factory, users, venues):
    page = page_factory(phone=True)
    login(page, live_server.url, "manager_a", PASSWORD)
    assert f"/venues/{venues['a'].pk}/" in page.url
    # The navigation collapses behind the burger on a phone.
    assert not page.is_visible("nav.mainnav")
    page.click("label.nav-burger")
    assert page.is_visible("nav.mainnav")
    assert page.problems == [], page.problems
    response = page.goto(f"{live_server.url}/venues/{venues['a2'].pk}/")
    assert response.status == 404 and "府山酒吧" not in page.content()
