"""The manager's phone: today's to-do first on the venue page."""

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


def test_manager_sees_todays_todo_first(client_for: Any, users: Any, world: dict[str, Any]) -> None:
    from staff.services import employee_register
    from tests.staff.conftest import make_id, make_phone

    venue = world["venue"]
    absent = employee_register(by=users["admin"], venue=venue, name="李娜", id_number=make_id(8), phone=make_phone(8))
    body = client_for(users["manager_a"]).get(f"/venues/{venue.pk}/").content.decode()
    main = body.split("<main", 1)[1]
    assert main.index("今日待办") < main.index("检查与整改")
    # Who has not signed in: name, masked phone and a call link (张伟 signed in in the world).
    assert "李娜" in main and absent.person.phone_masked in main and f'href="tel:{absent.person.phone}"' in main
    assert "今天还有 1 人未签到" in main
    # Today's self-inspection, the open order with its deadline, the pending exam.
    assert "今日自查还未完成" in main and world["order"].requirement in main
    assert "尚未通过禁毒考试" in main


def test_absent_count_is_exact_beyond_the_names_listed(
    client_for: Any, users: Any, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The to-do names the first few who have not signed in; the count is every one of them."""
    from staff import panels
    from staff.services import employee_register
    from tests.staff.conftest import make_id, make_phone

    monkeypatch.setattr(panels, "ABSENT_LISTED", 2)
    for i in range(3):
        employee_register(by=users["admin"], venue=world["venue"], name=f"李{'一二三'[i]}",
                          id_number=make_id(20 + i), phone=make_phone(20 + i))
    body = client_for(users["manager_a"]).get(f"/venues/{world['venue'].pk}/").content.decode()
    assert "今天还有 3 人未签到" in body


def test_todo_is_the_managers_only(client_for: Any, users: Any, world: dict[str, Any]) -> None:
    body = client_for(users["officer_a"]).get(f"/venues/{world['venue'].pk}/").content.decode()
    assert "今日待办" not in body


def test_other_manager_cannot_reach_the_venue(client_for: Any, users: Any, world: dict[str, Any]) -> None:
    assert client_for(users["manager_a2"]).get(f"/venues/{world['venue'].pk}/").status_code == 404
