"""Every UI string has a Simplified Chinese translation, and the committed .mo files match the .po files."""

import gettext
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po")) + [
    Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.po"
]


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.parent.parent.parent.parent.name))
def test_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po if not e.obsolete and (not e.translated() or "fuzzy" in e.flags)]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:5]}"
    with open(po_path.with_suffix(".mo"), "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = [e.msgid for e in po if not e.obsolete and not e.msgid_plural and mo.gettext(e.msgid) != e.msgstr]
    assert not stale, f"{po_path.with_suffix('.mo')} is out of date (run make messages): {stale[:5]}"


def test_pages_default_to_chinese(client):
    body = client.get("/accounts/login/").content.decode()
    assert "登录" in body and 'lang="zh-hans"' in body


def test_english_is_available(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Log in" in client.get("/accounts/login/").content.decode()


def test_one_english_string_has_one_translation_across_catalogues():
    """Django merges every app's catalogue into one: a msgid translated two ways in two apps
    shows whichever app wins on both pages ("Result" read 考试结果 on the inspection page).
    A string that means two things needs two msgids."""
    seen: dict[tuple[str | None, str], dict[str, str]] = {}
    for po_path in CATALOGUES:
        for e in polib.pofile(str(po_path)):
            if e.obsolete or not e.msgstr:
                continue
            seen.setdefault((e.msgctxt, e.msgid), {})[po_path.parent.parent.parent.parent.name] = e.msgstr
    clashes = {k[1]: v for k, v in seen.items() if len(set(v.values())) > 1}
    assert not clashes, f"translated differently in different apps: {clashes}"
