"""How a source is cited to a reader, in the app and in the exports: publisher, title, date, URL.

One implementation for the detail panel, the image source lists, the slide
notes and the data exports. A reader sees what lets them find the source:

- the publisher (left out when the source does not name one), never the
  project's internal id ("seed003") or a file name;
- the title, without editorial prefixes of the data ("(untitled in the seed)");
- the publication date, or "undated" / 「日付不明」;
- the URL when the source has one (``locator`` starting with http), with no
  zero-width or other invisible characters, so that a copied address works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rkmap.core.messages import t
from rkmap.core.text import format_date, format_month, format_year

# Zero-width and other invisible format characters that break a copied URL.
INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_URL = re.compile(r"^https?://\S+$", re.IGNORECASE)
# Notes of the data kept out of what a reader sees.
_EDITORIAL = re.compile(r"^\s*\((?:untitled|no title)[^)]*\)\s*", re.IGNORECASE)
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def clean(text: object) -> str:
    """One line of plain text with no invisible characters."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return " ".join(INVISIBLE.sub("", str(text)).split())


@dataclass(frozen=True)
class SourceRef:
    number: int
    source_id: str  # internal: for links between the map and the list, never shown
    publisher: str
    title: str
    date: str
    url: str

    def text(self, lang: str = "en", with_url: bool = False) -> str:
        """'Publisher, 13 Oct 2023: Title' ('Undated: Title' with no publisher; ' URL' when asked).

        The date comes before the title, so a title cut to fit a line never cuts the date.
        """
        ja = lang == "ja"
        head = t("list_separator", lang).join(p for p in (self.publisher, self.date) if p)
        if not self.publisher and not ja:
            head = head[:1].upper() + head[1:]
        out = head + ((":" if ja else ": ") + self.title if self.title else "")
        return out + (f" {self.url}" if with_url and self.url else "")


def published_text(value: object, lang: str = "en") -> str:
    """'13 Oct 2023', 'Oct 2023', '2023' (and Japanese forms), or 'undated' / 「日付不明」."""
    from rkmap.core.dates import parse_partial_date

    undated = t("undated", lang)
    if value is None or (isinstance(value, float) and value != value):
        return undated
    if isinstance(value, str):
        if not value.strip():
            return undated
        try:
            value = parse_partial_date(value.strip())
        except ValueError:
            return clean(value)
    first = getattr(value, "first", None)
    precision = getattr(value, "precision", "day")
    if first is None:
        return undated
    if precision == "year":
        return format_year(first, lang)
    if precision == "month":
        return format_month(first, lang)
    return format_date(first, lang)  # type: ignore[arg-type]


def publisher_text(value: object) -> str:
    text = clean(value)
    return "" if not text or text.lower().startswith("not stated") else text


def title_text(value: object) -> str:
    return _EDITORIAL.sub("", clean(value))


def url_of(locator: object) -> str:
    """The source's URL, when its locator is one (a seed's file name or 'KCNA 2023-09-13' is not)."""
    text = INVISIBLE.sub("", str(locator or "")).strip()
    return text if _URL.match(text) else ""


def source_ref(number: int, source_id: str, row: object, lang: str = "en") -> SourceRef:
    get = row.get  # type: ignore[attr-defined]
    return SourceRef(
        number=number,
        source_id=str(source_id),
        publisher=publisher_text(get("publisher")),
        title=title_text(get("title")),
        date=published_text(get("published"), lang),
        url=url_of(get("locator")),
    )


_SEED_ID = re.compile(r"\bseed(\d{3})\b")
_SEED_WORD = re.compile(r"\b(the|a|this|that|one|each) seed (article|text|copy)?\s?", re.IGNORECASE)
_SEE_DISAGREEMENT = re.compile(r"see disagreement [a-z0-9_\-]+", re.IGNORECASE)
_SEED_PLURAL = re.compile(r"\bthe seeds\b", re.IGNORECASE)


def reader_text(text: object, sources: object = None, lang: str = "en") -> str:
    """Data text (a note, a disagreement) as a reader sees it: no internal source ids.

    'seed003' becomes the source's publisher and date ('JIIA …, 13 Nov 2023');
    'the seed' becomes 'the source'.
    """
    out = clean(text)

    def name(match: re.Match[str]) -> str:
        source_id = match.group(0)
        try:
            row = sources.loc[source_id]  # type: ignore[union-attr]
        except (AttributeError, KeyError):
            return "the source" if lang != "ja" else "出典"
        publisher = publisher_text(row.get("publisher")) or title_text(row.get("title"))
        return f"{publisher} ({published_text(row.get('published'), lang)})"

    out = _SEE_DISAGREEMENT.sub("see 'Sources disagree'" if lang != "ja" else "「出典間の食い違い」を参照", out)
    out = _SEED_ID.sub(name, out)
    out = _SEED_PLURAL.sub(lambda m: "the sources" if m.group(0)[0] == "t" else "The sources", out)
    out = _SEED_WORD.sub(lambda m: ("The source " if m.group(1)[0].isupper() else "the source ") if m.group(1).lower() == "the" else f"{m.group(1)} source ", out)
    return out
