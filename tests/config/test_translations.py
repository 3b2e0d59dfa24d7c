"""The Japanese catalogue: every message of the code has a translation (no empty or fuzzy
entry), and the compiled catalogue that Django loads says what the source says."""

import ast
import gettext
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "ja" / "LC_MESSAGES"


def _entries() -> list[dict]:
    """The catalogue's live entries: {"flags", "msgid", "msgid_plural", "msgstr", ...}."""
    entries, entry, key = [], {"flags": ""}, None
    for line in [*(CATALOGUE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#~"):
            continue
        if not line.strip():
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": ""}, None
        elif line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return [e for e in entries if e["msgid"]]  # the header aside


def test_every_message_is_translated():
    entries = _entries()
    assert len(entries) > 600
    untranslated = [
        e["msgid"]
        for e in entries
        if "fuzzy" in e["flags"] or not (e.get("msgstr") or e.get("msgstr[0]"))
    ]
    assert untranslated == []


def test_the_compiled_catalogue_is_up_to_date():
    with (CATALOGUE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    stale = [
        e["msgid"]
        for e in _entries()
        if "msgstr" in e and "msgctxt" not in e and catalogue.gettext(e["msgid"]) != e["msgstr"]
    ]
    assert stale == []
