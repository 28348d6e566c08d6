"""Chinese identifiers: resident ID numbers (GB 11643), unified social credit codes
(GB 32100, the business licence number) and phone numbers.

Each validator raises ``ValidationError`` with a message that says what is wrong.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# --- Unified social credit code (统一社会信用代码), GB 32100-2015 ------------------
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def validate_licence_number(value: str) -> None:
    value = value.strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("A business licence number (unified social credit code) has 18 characters; this one has %(n)d."),
            code="length",
            params={"n": len(value)},
        )
    bad = sorted({c for c in value if c not in USCC_ALPHABET})
    if bad:
        raise ValidationError(
            _("The licence number contains characters that are not allowed: %(chars)s."),
            code="charset",
            params={"chars": " ".join(bad)},
        )
    if uscc_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character of the licence number is not the right check character; please re-check it."),
            code="checksum",
        )


# --- Resident ID number (居民身份证号), GB 11643-1999 -------------------------------
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


ID_RE = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)


def normalize_id_number(value: str) -> str:
    """NFKC (full-width ０-９ and Ｘ become ASCII), no spaces, upper case.

    Phones and forms on Chinese keyboards easily produce full-width digits; without this
    "１１０…" and "110…" would be two people. What is left must be ASCII (``ID_RE``).
    """
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value)).upper()


def validate_id_number(value: str) -> None:
    value = normalize_id_number(value)
    if len(value) != 18:
        raise ValidationError(
            _("A resident ID number has 18 characters; this one has %(n)d."), code="length", params={"n": len(value)}
        )
    if not ID_RE.fullmatch(value):
        raise ValidationError(
            _("A resident ID number is 17 digits followed by a digit or X."), code="charset"
        )
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(_("Characters 7–14 of the ID number are not a valid birth date."), code="birth") from None
    if born.year < 1900 or born > date.today():  # noqa: DTZ011 — a birth date has no time zone
        raise ValidationError(_("The birth date in the ID number is not plausible."), code="birth")
    if id_check_char(value[:17]) != value[17]:
        raise ValidationError(
            _("The last character of the ID number does not match its check digit; please re-check it."),
            code="checksum",
        )


def id_number_is_valid(value: str) -> bool:
    """``validate_id_number`` as a cheap boolean, for the sign-in hot path (no messages built)."""
    if not ID_RE.fullmatch(value) or id_check_char(value[:17]) != value[17]:
        return False
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return born.year >= 1900 and born <= date.today()  # noqa: DTZ011 — a birth date has no time zone


def id_birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def id_gender(value: str) -> str:
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(value[16]) % 2 else "F"


def mask_id_number(value: str) -> str:
    """First 6 and last 4 visible at most, as the data-protection rules allow."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


# --- Phone numbers -------------------------------------------------------------
MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
LANDLINE_RE = re.compile(r"^0[0-9]{2,3}-?[0-9]{7,8}$", re.ASCII)


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", value)).removeprefix("+86")


def validate_mobile(value: str) -> None:
    if not MOBILE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1, e.g. 13800000000."), code="mobile"
        )


def validate_phone(value: str) -> None:
    value = normalize_phone(value)
    if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
        raise ValidationError(
            _("Enter a mobile number (13800000000) or a landline with area code (0575-88001234)."), code="phone"
        )


def mask_phone(value: str) -> str:
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
