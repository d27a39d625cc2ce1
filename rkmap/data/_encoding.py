"""Text files that are not UTF-8, as Excel writes them by default (#27).

Japanese Excel saves "CSV" in Shift_JIS (Windows code page 932), Russian Excel in
Windows-1251, and "Unicode Text" in UTF-16 with a byte-order mark. A decode is
accepted only when it is clearly right; else the caller keeps its refusal
("save it as CSV UTF-8"): a wrong guess would put wrong words in the analyst's
rows without a word said.
"""

from __future__ import annotations

import re

# Shown in the file's summary, as named in Excel's "Save as" and text editors.
LABELS = {"utf-16": "UTF-16", "cp932": "Shift_JIS (Windows-31J, Japanese Excel)", "cp1251": "Windows-1251 (Cyrillic, Russian Excel)"}

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Japanese text: kana, kanji, the ideographic space and punctuation, full-width forms. Not half-width katakana
# (U+FF61–FF9F): what Cyrillic bytes read as code page 932 mostly become.
_JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff\uff01-\uff5e\u2010-\u2026\u25a0-\u25ff\u00a7\u00b0\u00d7]")
_KANA_KANJI = re.compile(r"[\u3040-\u309f\u30a0-\u30ff\u4e00-\u9fff]")
_CYRILLIC = re.compile(r"[\u0410-\u044f\u0401\u0451]")  # А–я, Ё, ё: not Ђ, Љ … (what code page 932's lead bytes read as in 1251)
_CYRILLIC_TEXT = re.compile(r"[\u0410-\u044f\u0401\u0451\u00ab\u00bb\u2116\u2013\u2014\u2026\u00a0\u00b0]")  # and « » № – — … NBSP °
_SHARE = 0.9  # of the non-ASCII characters
# A word of Latin and Cyrillic letters ('Cafй', 'naпve': Latin-1 accents read as 1251); real Russian text has few.
_MIXED_WORD = re.compile(r"\b(?=\w*[A-Za-z])(?=\w*[\u0410-\u044f\u0401\u0451])\w+")
_CYRILLIC_WORD = re.compile(r"[\u0410-\u044f\u0401\u0451]{3,}")


def legacy_text(content: bytes) -> tuple[str, str] | None:
    """``content`` (not UTF-8) as text and the key of its encoding in :data:`LABELS`, when one reading is clearly right; else None."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return content.decode("utf-16"), "utf-16"  # the BOM says the byte order, and is dropped
        except UnicodeDecodeError:
            return None
    readings = [(text, key) for key in ("cp932", "cp1251") if (text := _decoded(content, key)) is not None and _fits(text, key)]
    return readings[0] if len(readings) == 1 else None  # none, or both (never a guess between them)


def _decoded(content: bytes, encoding: str) -> str | None:
    try:
        text = content.decode(encoding)
    except UnicodeDecodeError:
        return None
    return None if "\ufffd" in text else text


def _fits(text: str, encoding: str) -> bool:
    other = len(_NON_ASCII.findall(text))
    if not other:
        return False  # ASCII is UTF-8: not this function's case
    if encoding == "cp932":
        return bool(_KANA_KANJI.search(text)) and len(_JAPANESE.findall(text)) >= _SHARE * other
    cyrillic = len(_CYRILLIC.findall(text))
    mixed = sum(len(_CYRILLIC.findall(word)) for word in _MIXED_WORD.findall(text))
    return bool(_CYRILLIC_WORD.search(text)) and len(_CYRILLIC_TEXT.findall(text)) >= _SHARE * other and mixed <= 0.05 * cyrillic
