"""The message catalogue (rkmap/core/messages.py) reads as copy for a reader, not as the code's vocabulary (#24).

Every user-facing string of the app and the exports is in the one catalogue, in
English and Japanese. These tests scan it for what a minister should never
read: internal ids (frame keys, module names, 'seed', 'python -m'), field-name
jargon, and English plurals that do not agree with their number.
"""

from __future__ import annotations

import re

import pytest

from rkmap.core.messages import FIELD_LABELS, STRINGS, t
from rkmap.render.view import REGIONS

_PLACEHOLDER = re.compile(r"\{(\w+)(?:[:|][^{}]*)?\}")
_CODE_SPAN = re.compile(r"`[^`]*`")  # column names the analyst types into a file (user_data_guide): shown as code
# Strings about the page's address quote what the address may hold (its parameters' values).
ADDRESS_KEYS = {key for key in STRINGS if key.startswith("url_")}
# The guide to the analyst's own files names the coordinate system their columns hold.
FILE_GUIDE_KEYS = {"user_data_guide"}

JARGON = [
    (re.compile(r"\bseed\d*\b", re.I), "'seed' (the data's internal name)"),
    (re.compile(r"python -m|\bbriefing\.\w+|\b(geodata|layers|ui)\.\w+"), "a command or module name"),
    (re.compile(r"\b\w+\.(py|js)\b"), "a file of the code"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "a snake_case id or field name"),
    (re.compile(r"\(n\.d\.\)|\buntitled in\b", re.I), "a bibliography placeholder"),
    (re.compile(r"\b(known to the|location known to|precision)\b", re.I), "field-name jargon"),
    (re.compile(r"\bPostGIS\b|\bWGS84\b|\bdataframe\b|\bNaN\b"), "a technical term"),
]


def _visible(text: str) -> str:
    return _CODE_SPAN.sub("", text)


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_no_internal_ids_or_jargon(key: str) -> None:
    for lang, text in zip(("en", "ja"), STRINGS[key]):
        assert text.strip(), f"{key} ({lang}) is empty"
        shown = _PLACEHOLDER.sub("", _visible(text))
        for pattern, what in JARGON:
            if key in ADDRESS_KEYS and what == "a snake_case id or field name":
                continue
            if key in FILE_GUIDE_KEYS and what == "a technical term":
                continue
            match = pattern.search(shown)
            assert match is None, f"{key} ({lang}) shows {what}: {match.group(0)!r} in {text!r}"
        for region in REGIONS:
            if "_" in region:
                assert region not in shown, f"{key} ({lang}) shows the frame key {region!r}"


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_placeholders_agree_between_the_languages(key: str) -> None:
    en, ja = STRINGS[key]
    assert set(_PLACEHOLDER.findall(en)) == set(_PLACEHOLDER.findall(ja)), key


# Counts that are limits or totals always far above one; worded in the plural on purpose.
ALWAYS_MANY = {("user_data_intro", "rows"), ("url_too_long", "max")}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_english_plurals_agree_with_their_number(key: str) -> None:
    """'1 events', '1 frames', '1 days': a number followed by a plural noun must use '{n|one|other}'."""
    en, _ = STRINGS[key]
    for match in re.finditer(r"\{(\w+)(?::[^{}]*)?\} ([a-z]+s)\b", en):
        name, word = match.groups()
        if (key, name) in ALWAYS_MANY or word in ("is", "was", "has"):
            continue
        pytest.fail(f"{key}: '{{{name}}} {word}' reads '1 {word}' for one; use {{{name}|{word[:-1]}|{word}}}")
    names = set(_PLACEHOLDER.findall(en))
    if names and not any(k == key for k, _ in ALWAYS_MANY):
        one = t(key, "en", **{n: 1 for n in names})
        many = t(key, "en", **{n: 2 for n in names})
        assert not re.search(r"\b1 (events|frames|days|rows|sources|slides|legs|files|steps|features)\b", one), one
        assert not re.search(r"\b2 (event|frame|day|row|source|slide|leg|file|step|feature)\b(?! of)", many), many


def test_field_labels_are_words_not_column_names() -> None:
    for key, (en, ja) in FIELD_LABELS.items():
        assert "_" not in en and "_" not in ja, key
