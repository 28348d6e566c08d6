import base64

import pytest
from django.utils import translation

from staff.services import employee_register

# A real (tiny) PNG, as the signature canvas would post it.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000010000000100806000000"
    "1ff3ff610000004d49444154789c63601805a360148c8251300a46c1281805"
    "a360148c8251300a46c1281805a360148c8251300a46c1281805a360148c8251300a46c1281805a360148c8251300a06000034d80001"
    "9a2b0e0f0000000049454e44ae426082")).decode()
SIGNATURE = "data:image/png;base64," + PNG


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def employee(users, venues):
    return employee_register(by=users["manager_a"], venue=venues["a"], name="张伟",
                             id_number="11010519491231002X", phone="13900000001")
