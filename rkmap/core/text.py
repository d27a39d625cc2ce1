"""Words the map puts next to data: date spans, claim statuses, locations, in two languages."""

from __future__ import annotations

from datetime import date

import pandas as pd

from rkmap.core.style import Lang

_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

CLAIM_LABELS = {
    "confirmed": ("Confirmed", "確認済み"),
    "reported": ("Reported, unconfirmed", "報道(未確認)"),
    "asserted": ("Asserted, not confirmed", "主張(未確認)"),
    "denied": ("Denied", "否定"),
}
PRECISION_LABELS = {
    "site": ("exact site", "地点"),
    "city": ("city", "都市"),
    "region": ("region only", "地域のみ"),
    "country": ("country only", "国のみ"),
}


def _day(d: date, lang: Lang) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if lang == "ja" else f"{d.day} {_MONTHS_EN[d.month - 1]} {d.year}"


def _month(d: date, lang: Lang) -> str:
    return f"{d.year}年{d.month}月" if lang == "ja" else f"{_MONTHS_EN[d.month - 1]} {d.year}"


def format_date(d: date, lang: Lang = "en") -> str:
    return _day(d, lang)


def format_span(start: date, end: date, precision: str, lang: Lang = "en") -> str:
    """'13 Sep 2023', 'Jul 2023', '2001' or '16–19 Oct 2023' (and Japanese forms)."""
    if precision == "year":
        return f"{start.year}年" if lang == "ja" else str(start.year)
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
        return "日付なし(全期間に表示)" if lang == "ja" else "undated (shown at every date)"
    return format_span(row["start"], row["end"], row["date_precision"], lang)


def claim_label(status: str, lang: Lang = "en") -> str:
    en, ja = CLAIM_LABELS.get(status, (status, status))
    return ja if lang == "ja" else en


def precision_label(precision: str, lang: Lang = "en") -> str:
    en, ja = PRECISION_LABELS.get(precision, (precision, precision))
    return ja if lang == "ja" else en


def schematic_note(km: float, lang: Lang = "en") -> str:
    if lang == "ja":
        return f"模式的な接続線(約{km:.0f} km):鉄道データにこの区間の線路がないため直線で表示。実際の線路ではない。"
    return f"Schematic connector (~{km:.0f} km): the rail data have no track here, so it is drawn straight. Not the actual line."
