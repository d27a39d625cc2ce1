"""The detail panel: one item's date, place, claim status, disagreements and source quotes."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from rkmap.app._markdown import md_escape, md_link
from rkmap.app.choices import admit, choice
from rkmap.core.dates import from_day_number
from rkmap.core.memo import memo
from rkmap.core.messages import LANGS, field_label, t
from rkmap.core.text import claim_label, format_date, row_span, schematic_note
from rkmap.data import Dataset
from rkmap.data.provenance import basis
from rkmap.render.sources import reader_text, source_ref
from rkmap.render.view import MapView, clock_columns, localized

# Object 'layer' property in the map data -> item prefix used by citations.csv.
_MAP_LAYER_PREFIX = {"event": "event", "route": "leg", "place": "place"}
# Layers whose objects carry no 'layer' field (static CSV data).
_LAYER_ID_PREFIX = {"events": "event"}
# The picker lists at most this many events (the latest ones); the map reaches all.
MAX_PICKER_EVENTS = 300


def item_options(dataset: Dataset) -> list[str]:
    """Events (newest first, at most MAX_PICKER_EVENTS), then route legs and places."""
    return (
        [f"event:{i}" for i in _latest_events(dataset)["id"]]
        + [f"leg:{i}" for i in dataset.route_legs["id"]]
        + [f"place:{i}" for i in dataset.places.loc[~dataset.places["is_area"] & (dataset.places["on_map"] != "no"), "id"]]
    )


def _latest_events(dataset: Dataset) -> pd.DataFrame:
    """The picker's events: the latest MAX_PICKER_EVENTS, newest first (events are sorted by start)."""
    return dataset.events.iloc[-MAX_PICKER_EVENTS:][::-1]


def item_label(dataset: Dataset, key: str | None, lang: str) -> str:
    if key is None:
        return t("pick_none", lang)
    kind, _, ident = key.partition(":")
    row = _row(dataset, kind, ident)
    return key if row is None else _row_label(kind, row, lang)


def _row_label(kind: str, row: pd.Series | dict, lang: str) -> str:
    if kind == "place":
        return "📍 " + localized(row, "name", lang)
    return f"{row['start'].isoformat()} · {localized(row, 'title', lang)}"


def _option_labels(dataset: Dataset, options: list[str], lang: str) -> dict[str, str]:
    """The picker's labels; its events (the latest) read by position, not looked up one by one by id
    (a search each among an analyst's million events)."""
    latest = _latest_events(dataset)
    columns = [c for c in dict.fromkeys(("id", "start", "title_en", f"title_{lang}")) if c in latest.columns]
    labels = {f"event:{row['id']}": _row_label("event", row, lang) for row in latest[columns].to_dict("records")}
    return {key: labels.get(key) or item_label(dataset, key, lang) for key in options}


def item_key_for(layer_id: str, kind: object, ident: object) -> str | None:
    """The item key of a map object: its ``layer`` field ('event', 'route', 'place') or its layer's id."""
    prefix = _MAP_LAYER_PREFIX.get(str(kind)) or _LAYER_ID_PREFIX.get(layer_id)
    if prefix and ident:
        return f"{prefix}:{ident}"
    return None


def sync_map_pick(key: str | None) -> bool:
    """A click on a map object (reported once, in the run it caused) selects it in the panel.

    True if that changed the selection (the panel must then be drawn again).
    """
    if key and st.session_state.get("selected") != key:
        # An event older than the picker's newest MAX_PICKER_EVENTS (any of a large upload's) is no option
        # of the last run's list: admitted, or the next run's repair would reset the selection to none.
        admit("selected", key)
        st.session_state["selected"] = key
        return True
    return False


class ItemLookup:
    """``key in lookup``: whether a URL's item names an event, leg or place."""

    def __init__(self, dataset: Dataset) -> None:
        self._dataset = dataset

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and is_item(self._dataset, key)


def is_item(dataset: Dataset, key: str) -> bool:
    kind, _, ident = key.partition(":")
    return _row(dataset, kind, ident) is not None


# A table up to this many rows keeps its ids in a dict (a lookup is then free); a larger one (an analyst's
# upload) is searched at each lookup (≈ 5 ms at a million rows): the dict of a million ids held about
# 0.3 GB for the session's life, which took the server past its 1.5 GB budget (issue #26).
_DICT_ROWS = 50_000


def _row(dataset: Dataset, kind: str, ident: str) -> pd.Series | None:
    table = {"event": dataset.events, "leg": dataset.route_legs, "place": dataset.places}.get(kind)
    if table is None:
        return None
    if len(table) <= _DICT_ROWS:
        position = memo(dataset, f"positions:{kind}", lambda: {ident: n for n, ident in enumerate(table["id"])}).get(ident)
    else:
        position = _search(table["id"], ident)
    return None if position is None else table.iloc[position]


def _search(ids: pd.Series, ident: str) -> int | None:
    """The first position of ``ident`` among ``ids``, without building an index of them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(ids.dtype, pd.StringDtype | pd.ArrowDtype):  # Arrow-backed: searched in Arrow, no copy
        found = pc.index(pa.array(ids.array), ident).as_py()
        return None if found < 0 else int(found)
    hits = (ids.to_numpy(dtype=object) == ident).nonzero()[0]
    return int(hits[0]) if len(hits) else None


def item_opens(dataset: Dataset, key: str, clock: str) -> date | None:
    """The day an event or leg appears on the map under ``clock`` (None for places, always shown)."""
    kind, _, ident = key.partition(":")
    row = _row(dataset, kind, ident) if kind in ("event", "leg") else None
    return None if row is None else from_day_number(int(row[clock_columns(clock)[0]]))  # type: ignore[arg-type]


def _move_to_item(dataset: Dataset) -> None:
    """A pick from the list of an item the map does not show yet moves the as-of date to it."""
    state = st.session_state
    key = state.get("selected")
    opens = item_opens(dataset, key, state["clock"]) if isinstance(key, str) else None
    if opens is not None and opens > state["as_of"]:
        state["as_of"] = opens


def detail_panel(dataset: Dataset, view: MapView) -> None:
    lang = view.lang
    st.markdown(f"**{t('details', lang)}**")
    options: list[str | None] = [None, *memo(dataset, "item-options", lambda: item_options(dataset))]
    # Labels once per dataset and language: formatting hundreds of options on every slider step cost ~20 ms.
    labels = {ln: memo(dataset, f"item-labels-{ln}", lambda ln=ln: _option_labels(dataset, options[1:], ln)) for ln in LANGS}
    selected = st.session_state.get("selected")
    if selected not in options and isinstance(selected, str) and is_item(dataset, selected):
        options.insert(1, selected)  # picked on the map among more events than the list holds
    choice(
        st.selectbox,
        t("pick_item", lang),
        options,
        key="selected",
        lang=lang,
        default=None,
        option_label=lambda k, ln: labels[ln].get(k) or item_label(dataset, k, ln),
        on_change=_move_to_item,
        args=(dataset,),
        placeholder=t("pick_none", lang),
    )
    key = st.session_state.get("selected")
    if key:
        opens = item_opens(dataset, key, view.clock)
        if opens is not None and opens > view.as_of:
            st.info(t("item_not_yet", lang, date=format_date(opens, lang), as_of=format_date(view.as_of, lang)), icon=":material/schedule:")
            st.button(t("item_move_date", lang, date=format_date(opens, lang)), key="item_move_date", on_click=_set_as_of, args=(opens,))
        item_details(dataset, key, lang)


def _set_as_of(day: date) -> None:
    st.session_state["as_of"] = day


def item_details(dataset: Dataset, key: str, lang: str) -> None:
    kind, _, ident = key.partition(":")
    row = _row(dataset, kind, ident)
    if row is None:
        return
    lines: list[str] = []
    title = localized(row, "name" if kind == "place" else "title", lang)
    st.markdown(f"#### {md_escape(title)}")
    if kind in ("event", "leg"):
        known = {"month": "date_only_month", "year": "date_only_year"}.get(str(row["date_precision"]))
        suffix = f" ({t(known, lang)})" if known else ""
        lines.append(f"**{t('date', lang)}:** {md_escape(row_span(row, lang) + suffix)}")
        if row["public"] != row["start"]:
            lines.append(f"**{t('disclosed', lang)}:** {md_escape(format_date(row['public'], lang))}")
    if kind == "event":
        lines.append(f"**{t('place', lang)}:** {md_escape(place_text(localized(row, 'place_name', lang), str(row['location_precision']), lang))}")
    if kind == "place":
        lines.append(f"**{t('coordinates', lang)}:** {row['lat']:.4f}, {row['lon']:.4f} ({t('coordinates_' + str(row['location_precision']), lang)})")
        lines.append(f"**{t('role', lang)}:** {md_escape(localized(row, 'role', lang))}")
    else:
        lines.append(f"**{t('claim', lang)}:** {md_escape(claim_label(row['claim_status'], lang))}")
        for column in ("asserted_by", "denied_by"):
            if isinstance(row.get(column), str) and row[column]:
                lines.append(f"**{t(column, lang)}:** {md_escape(row[column])}")
        quantity = localized(row, "quantity", lang)
        if quantity:
            lines.append(f"**{t('quantity', lang)}:** {md_escape(quantity)}")
    if kind == "leg":
        lines.append(f"**{t('carrier', lang)}:** {md_escape(localized(row, 'carrier', lang))}")
        if row["schematic_head_vertices"]:
            lines.append(f"**{t('schematic', lang)}:** {md_escape(schematic_note(float(row['schematic_head_km']), lang))}")
    if kind == "event":
        lines.append(f"**{t('summary', lang)}:** {md_escape(reader_text(localized(row, 'summary', lang), dataset.sources, lang))}")
    if basis(dataset, key) == "public_record":
        lines.append(f"**{t('basis', lang)}:** {md_escape(t('basis_public_record', lang))}")
    st.markdown("  \n".join(lines))
    _disagreements(dataset, key, lang)
    _sources(dataset, key, lang)


def _disagreements(dataset: Dataset, key: str, lang: str) -> None:
    rows = dataset.disagreements_for(key)
    for _, row in rows.iterrows():
        names = [source_ref(0, str(sid), dataset.sources.loc[sid], lang) for sid in row["sources"] if sid in dataset.sources.index]
        sources = "; ".join(ref.text(lang) for ref in names)
        summary = reader_text(localized(row, "summary", lang), dataset.sources, lang)
        st.warning(f"**{t('disagreements', lang)}:** {md_escape(summary)}  \n({md_escape(sources)})", icon=":material/warning:")


def _sources(dataset: Dataset, key: str, lang: str) -> None:
    """Each source once: '[n] Publisher: Title (date)', its URL as a link, then what it supports."""
    citations = dataset.citations_for(key)
    if citations.empty:
        return
    st.markdown(f"**{t('sources', lang)}**")
    numbers = {source: n for n, source in enumerate(dict.fromkeys(citations["source"]), start=1)}
    for source_id, group in citations.groupby("source", sort=False):
        ref = source_ref(numbers[source_id], str(source_id), dataset.sources.loc[source_id], lang)
        head = f"**{md_escape(f'[{ref.number}] ' + ref.text(lang))}**"
        parts = [head + (f"  \n{md_link(ref.url)}" if ref.url else "")]
        for _, cite in group.iterrows():
            label = field_label(cite["field"], lang)
            where = f" ({md_escape(reader_text(cite['locator'], dataset.sources, lang))})" if cite["locator"] else ""
            note = f"  \n*{md_escape(reader_text(cite['note'], dataset.sources, lang))}*" if cite["note"] else ""
            quote = f"\n> {md_escape(cite['quote'])}" if cite["quote"] else ""
            parts.append(f"- {t('supports', lang)}: {md_escape(label)}{where}{quote}{note}")
        st.markdown("\n".join(parts))


def place_text(name: str, precision: str, lang: str) -> str:
    """The place as a reader needs it: 'North Korea (location not known more precisely)', 'Vladivostok'."""
    if precision in ("region", "country") and "(" not in name and "（" not in name:
        return f"{name} ({t('place_only_' + precision, lang)})"
    return name
