"""The timeline strip: events by date and kind, the as-of date marked.

A slider step must not rebuild the chart: building and validating an Altair
chart took about 55 ms of a 70 ms rerun. So the chart's Vega-Lite spec is
built once per dataset, language and kind of strip, with named data sets
("events", "as_of") that are filled in on every run; only the events'
states and the as-of rule change, so the browser updates the data in place.
"""

from __future__ import annotations

import copy
from datetime import timedelta

import pandas as pd
import streamlit as st

from geodata import Dataset
from geodata._memo import memo
from layers import style
from layers.text import claim_label, row_span
from layers.view import MapView, item_states, localized
from ui.i18n import t

NEAR_DAYS = 365
# Above this many events the strip shows monthly counts by kind, not one mark each.
MAX_MARKS = 1_500
EVENTS_DATA, AS_OF_DATA = "events", "as_of"
# Written as plain Vega-Lite: Altair cost 0.2 s of import and 0.1 s of validation on a cold start.
VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"  # what Altair 6 wrote


def _kind_labels(lang: str) -> dict[str, str]:
    """Event kind → its label in ``lang``, in the strip's order."""
    return {k: (ja if lang == "ja" else en) for k, (en, ja) in style.EVENT_KIND_LABELS.items()}


def _label_colours(lang: str) -> dict[str, str]:
    """Kind label in ``lang`` → its hex colour, in the strip's order."""
    return {label: style.rgb_hex(style.EVENT_COLOURS[k]) for k, label in _kind_labels(lang).items()}


def _event_labels(dataset: Dataset, lang: str) -> pd.DataFrame:
    """The parts of the strip's rows that do not depend on the date (once per dataset and language)."""
    events = dataset.events
    kind_labels = _kind_labels(lang)
    return pd.DataFrame(
        {
            "title": [localized(r, "title", lang) for _, r in events.iterrows()],
            "when": [row_span(r, lang) for _, r in events.iterrows()],
            "claim": [claim_label(s, lang) for s in events["claim_status"]],
            "kind": [kind_labels[k] for k in events["kind"]],
            "start": pd.to_datetime(events["start"]),
            "end": pd.to_datetime(events["end"]) + pd.Timedelta(days=1),
            "public": pd.to_datetime(events["public"]),
            "disclosed_later": (events["public"] > events["start"]).to_numpy(),
            "contested": events["is_contested"].to_numpy(),
        }
    )


def timeline_frame(dataset: Dataset, view: MapView) -> pd.DataFrame:
    """One row per event, with its state at the as-of date and display labels."""
    labels = memo(dataset, f"timeline-labels-{view.lang}", lambda: _event_labels(dataset, view.lang))
    return labels.assign(state=item_states(dataset.events, view).to_numpy())


def _domain(dataset: Dataset, view: MapView, window: str) -> list[str]:
    as_of = pd.Timestamp(view.as_of)
    if window == "near":
        days = [as_of - timedelta(days=NEAR_DAYS), as_of + timedelta(days=NEAR_DAYS)]
    else:
        first, last = memo(dataset, "timeline-event-span", lambda: (pd.Timestamp(dataset.events["start"].min()), pd.Timestamp(dataset.events["end"].max())))
        days = [first - timedelta(days=120), last + timedelta(days=120)]
    return [d.isoformat() for d in days]


def _monthly_counts(dataset: Dataset, kinds: dict[str, str]) -> pd.DataFrame:
    months = pd.to_datetime(dataset.events["t_start"], unit="D").dt.to_period("M").dt.to_timestamp()
    frame = pd.DataFrame({"month": months, "kind": dataset.events["kind"].astype(object).map(kinds)})
    return frame.value_counts().rename("events").reset_index()


def _x(field: str) -> dict:
    # The domain is set per run (it moves with the date in the "near" strip): see _with_domain.
    return {"field": field, "type": "temporal", "title": None, "scale": {"domain": ["2000-01-01", "2000-01-02"], "clamp": True}}


def _as_of_rule() -> dict:
    return {"data": {"name": AS_OF_DATA}, "mark": {"type": "rule", "color": "#d00", "strokeWidth": 2}, "encoding": {"x": {"field": "as_of", "type": "temporal"}}}


def _layered(*layers: dict) -> dict:
    return {"$schema": VEGA_LITE_SCHEMA, "layer": list(layers), "height": 170}


def _kind_colours(kinds: dict[str, str]) -> dict:
    """``kinds``: label → hex colour, in the strip's order."""
    return {"field": "kind", "type": "nominal", "legend": None, "scale": {"domain": list(kinds), "range": list(kinds.values())}}


def counts_chart(lang: str) -> dict:
    """Monthly event counts by kind (named data "events"): what a long strip can show of many events."""
    kinds = _label_colours(lang)
    bars = {
        "data": {"name": EVENTS_DATA},
        "mark": {"type": "bar"},
        "encoding": {
            "x": _x("month"),
            "y": {"field": "events", "type": "quantitative", "title": None},
            "color": _kind_colours(kinds),
            "tooltip": [{"field": "month", "type": "temporal"}, {"field": "kind", "type": "nominal"}, {"field": "events", "type": "quantitative"}],
        },
    }
    return _layered(bars, _as_of_rule())


def marks_chart(lang: str) -> dict:
    """One mark per event (named data "events", see :func:`timeline_frame`); faded until the as-of date."""
    kinds = _label_colours(lang)
    y = {"field": "kind", "type": "nominal", "title": None, "sort": list(kinds)}
    colour = _kind_colours(kinds)
    common = {
        "y": y,
        "opacity": {"condition": {"test": "(datum.state === 'hidden')", "value": 0.25}, "value": 1.0},
        "tooltip": [{"field": f, "type": "nominal"} for f in ("title", "when", "claim")],
    }
    events = {"name": EVENTS_DATA}
    spans = {"data": events, "mark": {"type": "bar", "height": 6, "cornerRadius": 2},
             "encoding": {**common, "x": _x("start"), "x2": {"field": "end"}, "color": colour}}
    points = {"data": events, "mark": {"type": "point", "size": 70, "strokeWidth": 2, "filled": False},
              "encoding": {**common, "x": _x("start"), "color": colour, "fill": {"condition": {"test": "datum.contested", "value": "white"}, **colour}}}
    disclosed = {"data": events, "transform": [{"filter": "datum.disclosed_later"}],
                 "mark": {"type": "point", "shape": "diamond", "size": 60, "filled": True, "color": "#333"},
                 "encoding": {**common, "x": _x("public")}}
    return _layered(spans, points, disclosed, _as_of_rule())


def _with_domain(spec: dict, domain: list[str]) -> dict:
    """A copy of ``spec`` whose time axes span ``domain``."""
    out = copy.deepcopy(spec)
    for layer in out["layer"]:
        scale = layer.get("encoding", {}).get("x", {}).get("scale")
        if scale is not None:
            scale["domain"] = domain
    return out


def timeline_spec(dataset: Dataset, view: MapView, window: str = "all") -> dict:
    """The strip's Vega-Lite spec with its data sets for this view."""
    counts = len(dataset.events) > MAX_MARKS
    lang = view.lang
    spec = memo(dataset, f"timeline-spec-{lang}-{counts}", lambda: counts_chart(lang) if counts else marks_chart(lang))
    if counts:
        events = memo(dataset, f"monthly-counts-{lang}", lambda: _monthly_counts(dataset, _kind_labels(lang)))
    else:
        events = timeline_frame(dataset, view)
    datasets = {EVENTS_DATA: events, AS_OF_DATA: pd.DataFrame({"as_of": [pd.Timestamp(view.as_of)]})}
    return {**_with_domain(spec, _domain(dataset, view, window)), "datasets": datasets}


def timeline(dataset: Dataset, view: MapView) -> None:
    lang = view.lang
    head, choice = st.columns([3, 2])
    head.markdown(f"**{t('timeline', lang)}** ◆ = {t('disclosed', lang)}")
    window = choice.radio(
        t("timeline_window", lang),
        ("all", "near"),
        key="timeline_window",
        horizontal=True,
        format_func=lambda w: t("timeline_all" if w == "all" else "timeline_near", lang),
        label_visibility="collapsed",
    )
    st.vega_lite_chart(spec=timeline_spec(dataset, view, window), width="stretch")
