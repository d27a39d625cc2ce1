"""Words the map puts next to data: date spans, claim statuses, locations, in two languages."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rkmap.core.messages import STRINGS, t
from rkmap.core.style import Lang

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

def _day(d: date, lang: Lang) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def _month(d: date, lang: Lang) -> str:
    return f"{d.year}年{d.month}月" if lang == "ja" else f"{_MONTHS_EN[d.month - 1]} {d.year}"


def format_date(d: date, lang: Lang = "en") -> str:
    return _day(d, lang)


def format_span(start: date, end: date, precision: str, lang: Lang = "en") -> str:
    """'13 Sep 2023', 'Jul 2023', '2001' or '16–19 Oct 2023' (and Japanese forms)."""
    if precision == "year":
        return format_year(start, lang)
    if precision == "month":
        return _month(start, lang)
    if precision == "day" or start == end:
        return _day(start, lang)
    if lang == "ja":
        if start.year == end.year and start.month == end.month:
            return f"{_day(start, lang)}〜{end.day}日"
        return f"{_day(start, lang)}〜{_day(end, lang)}"
    if start.year == end.year and start.month == end.month:
        return f"{start.day}–{end.day} {_MONTHS_EN[end.month - 1]} {end.year}"
    if start.year == end.year:
        return f"{start.day} {_MONTHS_EN[start.month - 1]} – {_day(end, lang)}"
    return f"{_day(start, lang)} – {_day(end, lang)}"


def row_span(row: pd.Series | dict, lang: Lang = "en") -> str:
    from rkmap.core.dates import CONTEXT_FIRST

    if row["start"] == CONTEXT_FIRST:  # an undated line of the analyst's: context, shown at every date
        return t("undated_context", lang)
    return format_span(row["start"], row["end"], row["date_precision"], lang)


def claim_label(status: str, lang: Lang = "en") -> str:
    return t(f"claim_{status}", lang) if f"claim_{status}" in STRINGS else status


def precision_label(precision: str, lang: Lang = "en") -> str:
    return t(f"location_{precision}", lang) if f"location_{precision}" in STRINGS else precision


def schematic_note(km: float, lang: Lang = "en") -> str:
    return t("schematic_note", lang, km=f"{km:.0f}")


def data_end_note(as_of: date, first: date, last: date, lang: Lang = "en") -> str:
    """' · latest event in the data: 17 Jan 2024' for an as-of date after the data (likewise before); else ''."""
    if as_of > last:
        return t("data_end_after", lang, date=format_date(last, lang))
    if as_of < first:
        return t("data_end_before", lang, date=format_date(first, lang))
    return ""


def format_year(d: date, lang: Lang = "en") -> str:
    return f"{d.year}年" if lang == "ja" else str(d.year)


def format_month(d: date, lang: Lang = "en") -> str:
    return _month(d, lang)
