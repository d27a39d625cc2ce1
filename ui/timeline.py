"""The timeline strip: events by date and kind, the as-of date marked."""

from __future__ import annotations

from datetime import timedelta

import altair as alt
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


def timeline_frame(dataset: Dataset, view: MapView) -> pd.DataFrame:
    """One row per event, with its state at the as-of date and display labels."""
    events = dataset.events
    lang = view.lang
    kind_labels = {k: (ja if lang == "ja" else en) for k, (en, ja) in style.EVENT_KIND_LABELS.items()}
    return pd.DataFrame(
        {
            "title": [localized(r, "title", lang) for _, r in events.iterrows()],
            "when": [row_span(r, lang) for _, r in events.iterrows()],
            "claim": [claim_label(s, lang) for s in events["claim_status"]],
            "kind": [kind_labels[k] for k in events["kind"]],
            "start": pd.to_datetime(events["start"]),
            "end": pd.to_datetime(events["end"]) + pd.Timedelta(days=1),
            "public": pd.to_datetime(events["public"]),
            "disclosed_later": events["public"] > events["start"],
            "state": item_states(events, view).to_numpy(),
            "contested": events["is_contested"].to_numpy(),
        }
    )


def _domain(dataset: Dataset, view: MapView, window: str) -> list[str]:
    as_of = pd.Timestamp(view.as_of)
    if window == "near":
        days = [as_of - timedelta(days=NEAR_DAYS), as_of + timedelta(days=NEAR_DAYS)]
    else:
        first, last = pd.Timestamp(dataset.events["start"].min()), pd.Timestamp(dataset.events["end"].max())
        days = [first - timedelta(days=120), last + timedelta(days=120)]
    return [d.isoformat() for d in days]


def _monthly_counts(dataset: Dataset, kinds: dict[str, str]) -> pd.DataFrame:
    months = pd.to_datetime(dataset.events["t_start"], unit="D").dt.to_period("M").dt.to_timestamp()
    frame = pd.DataFrame({"month": months, "kind": dataset.events["kind"].astype(object).map(kinds)})
    return frame.value_counts().rename("events").reset_index()


def counts_chart(dataset: Dataset, view: MapView, window: str = "all") -> alt.LayerChart:
    """Monthly event counts by kind: what a long strip can show of many events."""
    lang = view.lang
    kinds = {k: (ja if lang == "ja" else en) for k, (en, ja) in style.EVENT_KIND_LABELS.items()}
    counts = memo(dataset, f"monthly-counts-{lang}", lambda: _monthly_counts(dataset, kinds))
    colours = alt.Scale(domain=list(kinds.values()), range=[style.rgb_hex(style.EVENT_COLOURS[k]) for k in kinds])
    x = alt.X("month:T", title=None, scale=alt.Scale(domain=_domain(dataset, view, window), clamp=True))
    bars = alt.Chart(counts).mark_bar().encode(x=x, y=alt.Y("events:Q", title=None), color=alt.Color("kind:N", scale=colours, legend=None), tooltip=["month:T", "kind:N", "events:Q"])
    rule = alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(view.as_of)]})).mark_rule(color="#d00", strokeWidth=2).encode(x="as_of:T")
    return alt.layer(bars, rule).properties(height=170)


def timeline_chart(dataset: Dataset, view: MapView, window: str = "all") -> alt.LayerChart:
    if len(dataset.events) > MAX_MARKS:
        return counts_chart(dataset, view, window)
    frame = timeline_frame(dataset, view)
    lang = view.lang
    kinds = {(ja if lang == "ja" else en): style.rgb_hex(style.EVENT_COLOURS[k]) for k, (en, ja) in style.EVENT_KIND_LABELS.items()}
    as_of = pd.Timestamp(view.as_of)
    domain = _domain(dataset, view, window)
    x = alt.X("start:T", title=None, scale=alt.Scale(domain=domain, clamp=True))
    y = alt.Y("kind:N", title=None, sort=list(kinds))
    colour = alt.Color("kind:N", scale=alt.Scale(domain=list(kinds), range=list(kinds.values())), legend=None)
    opacity = alt.condition(alt.datum.state == "hidden", alt.value(0.25), alt.value(1.0))
    tooltip = [alt.Tooltip("title:N"), alt.Tooltip("when:N"), alt.Tooltip("claim:N")]
    base = alt.Chart(frame)
    spans = base.mark_bar(height=6, cornerRadius=2).encode(x=x, x2="end:T", y=y, color=colour, opacity=opacity, tooltip=tooltip)
    points = base.mark_point(size=70, strokeWidth=2, filled=False).encode(
        x=x,
        y=y,
        color=colour,
        opacity=opacity,
        fill=alt.condition(alt.datum.contested, alt.value("white"), colour),
        tooltip=tooltip,
    )
    disclosed = (
        base.transform_filter(alt.datum.disclosed_later)
        .mark_point(shape="diamond", size=60, filled=True, color="#333")
        .encode(x=alt.X("public:T", scale=alt.Scale(domain=domain, clamp=True)), y=y, opacity=opacity, tooltip=tooltip)
    )
    rule = alt.Chart(pd.DataFrame({"as_of": [as_of]})).mark_rule(color="#d00", strokeWidth=2).encode(x="as_of:T")
    return alt.layer(spans, points, disclosed, rule).properties(height=170)


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
    st.altair_chart(timeline_chart(dataset, view, window), width="stretch")
