import base64
import io

import pytest
from django.utils import translation
from PIL import Image

from staff.services import employee_register

# A real (tiny) PNG, as the signature canvas would post it (decoded by Pillow on upload).
_buf = io.BytesIO()
Image.effect_noise((24, 24), 60).save(_buf, format="PNG")
PNG = base64.b64encode(_buf.getvalue()).decode()
SIGNATURE = "data:image/png;base64," + PNG


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def employee(users, venues):
    return employee_register(by=users["manager_a"], venue=venues["a"], name="张伟",
                             id_number="11010519491231002X", phone="13900000001")
