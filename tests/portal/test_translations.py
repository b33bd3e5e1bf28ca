"""Every message has a Simplified Chinese translation, compiled into the shipped .mo file."""

import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from tickets.workflow import Status

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES"
# msgctxt (optional)/msgid/msgstr with their continuation lines ("..." on the following lines).
ENTRY = re.compile(r'^(?:msgctxt ((?:".*"\n)+))?msgid ((?:".*"\n)+)msgstr ((?:".*"\n?)+)', re.M)


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _join(quoted: str) -> str:
    joined = "".join(re.findall(r'"(.*)"', quoted))
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m[1], m[1]), joined)


def po_entries():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1], "fuzzy entries in the zh_Hans catalogue"
    entries = [(_join(m[1] or ""), _join(m[2]), _join(m[3])) for m in ENTRY.finditer(text)]
    return [(context, msgid, msgstr) for context, msgid, msgstr in entries if msgid]


def test_every_message_is_translated():
    untranslated = [msgid for _context, msgid, msgstr in po_entries() if not msgstr]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for context, msgid, msgstr in po_entries()
        if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == [], "run `make messages` to recompile"


@pytest.mark.parametrize(("language", "label"), [("zh-hans", "办理中"), ("en", "in progress")])
def test_status_labels_follow_the_active_language(language, label):
    with translation.override(language):
        assert str(Status.IN_PROGRESS.label) == label


def test_chinese_is_the_default(settings):
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]
