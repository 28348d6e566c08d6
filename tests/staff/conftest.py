from typing import Any

import pytest

from daodao.identifiers import id_check_char
from staff.models import Employment
from staff.services import employee_register


def make_id(seq: int, birth: str = "19900101", region: str = "330602") -> str:
    """A valid resident ID number; ``seq`` picks the 3-digit sequence (odd = male)."""
    first17 = f"{region}{birth}{seq % 1000:03d}"
    return first17 + id_check_char(first17)


def make_phone(seq: int) -> str:
    return f"139{seq:08d}"


@pytest.fixture
def employ(users: dict[str, Any]) -> Any:
    """employ(venue, seq, active=True) -> a current Employment registered by the admin."""

    def make(venue: Any, seq: int, *, active: bool = True, name: str = "") -> Employment:
        employment = employee_register(by=users["admin"], venue=venue, name=name or f"员工{seq}",
                                       id_number=make_id(seq), phone=make_phone(seq), position="服务员")
        if active:
            Employment.objects.filter(pk=employment.pk).update(status=Employment.Status.ACTIVE)
            employment.refresh_from_db()
        return employment

    return make
