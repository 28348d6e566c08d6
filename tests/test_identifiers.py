import pytest
from django.core.exceptions import ValidationError

from daodao import identifiers as ids

VALID_2 = "33060219900307123" + ids.id_check_char("33060219900307123")


@pytest.mark.parametrize("value", ["11010519491231002X", VALID_2])
def test_valid_id_number(value):
    ids.validate_id_number(value)


@pytest.mark.parametrize(("value", "code"), [
    ("1101051949123100", "length"),
    ("11010519491231002Y", "charset"),
    ("110105194913310021", "birth"),
    ("110105194912310021", "checksum"),
])
def test_bad_id_number_says_what_is_wrong(value, code):
    with pytest.raises(ValidationError) as exc:
        ids.validate_id_number(value)
    assert exc.value.code == code


def test_id_derivations_and_mask():
    assert ids.id_gender("11010519491231002X") == "F"
    assert str(ids.id_birth_date("11010519491231002X")) == "1949-12-31"
    assert ids.mask_id_number("11010519491231002X") == "110105********002X"


@pytest.mark.parametrize(("value", "code"), [
    ("91350100M000100Y4", "length"),
    ("91350100M000100YI3", "charset"),
    ("91350100M000100Y44", "checksum"),
])
def test_bad_licence_number(value, code):
    with pytest.raises(ValidationError) as exc:
        ids.validate_licence_number(value)
    assert exc.value.code == code


def test_valid_licence_number():
    ids.validate_licence_number("91350100M000100Y43")


def test_phones():
    ids.validate_phone("0575-88001234")
    ids.validate_phone("13800000000")
    ids.validate_mobile("+86 138 0000 0000")
    with pytest.raises(ValidationError):
        ids.validate_mobile("12800000000")
    assert ids.mask_phone("13800001234") == "138****1234"
