"""The view controls: language, clock, layers, frame, and the as-of date with play/step."""

from __future__ import annotations

from collections.abc import Container
import time
from datetime import date

import streamlit as st

from geodata._dates import add_period
from layers.view import DEFAULT_EMPHASIS_DAYS, LAYERS, REGIONS, MapView
from ui.i18n import t
from ui.url_state import parse_query, query_for

STEPS = ("day", "week", "month", "year")
PLAY_INTERVAL_S = 1.2
EMPHASIS_CHOICES = (7, 30, 90, 365)


def init_state(first: date, last: date, items: Container[str]) -> None:
    """Defaults for a new session, then the view in the URL; existing choices are kept."""
    defaults = {
        "lang": "en",
        "clock": "event",
        "region": "route",
        "emphasis_days": DEFAULT_EMPHASIS_DAYS,
        "step": "month",
        "playing": False,
        "as_of": last,
        **{f"layer_{name}": True for name in LAYERS},
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if not st.session_state.get("url_applied"):
        st.session_state["url_applied"] = True
        from_url = parse_query(st.query_params.to_dict(), first, last, items)
        st.session_state.update(from_url.values)
        st.session_state["url_notices"] = from_url.notices
    st.session_state["as_of"] = min(max(st.session_state["as_of"], first), last)


def current_view() -> MapView:
    state = st.session_state
    return MapView(
        as_of=state["as_of"],
        clock=state["clock"],
        layers=frozenset(name for name in LAYERS if state[f"layer_{name}"]),
        lang=state["lang"],
        emphasis_days=int(state["emphasis_days"]),
        region=state["region"],
    )


def sidebar_controls() -> None:
    lang = st.session_state["lang"]
    with st.sidebar:
        st.radio(t("language", lang), ("en", "ja"), key="lang", horizontal=True, format_func=lambda v: "English" if v == "en" else "日本語")
        lang = st.session_state["lang"]
        st.radio(
            t("clock", lang),
            ("event", "public"),
            key="clock",
            format_func=lambda v: t(f"clock_{v}", lang),
            help=t("clock_help", lang),
        )
        st.markdown(f"**{t('layers', lang)}**")
        for name in LAYERS:
            st.checkbox(t(f"layer_{name}", lang), key=f"layer_{name}")
        st.selectbox(
            t("region", lang),
            tuple(REGIONS),
            key="region",
            format_func=lambda k: REGIONS[k].label_ja if lang == "ja" else REGIONS[k].label_en,
        )
        st.select_slider(t("emphasis", lang), EMPHASIS_CHOICES, key="emphasis_days")


def add_step(day: date, step: str, direction: int) -> date:
    """``day`` moved one ``step`` forward (+1) or back (-1); month ends are clamped."""
    return add_period(day, direction, step[0])


def _move(first: date, last: date, direction: int) -> None:
    state = st.session_state
    state["as_of"] = min(max(add_step(state["as_of"], state["step"], direction), first), last)


def _jump(day: date) -> None:
    st.session_state["as_of"] = day
    st.session_state["playing"] = False


def _toggle_play(first: date, last: date) -> None:
    state = st.session_state
    state["playing"] = not state["playing"]
    if state["playing"] and state["as_of"] >= last:
        state["as_of"] = first


def time_controls(first: date, last: date) -> None:
    """Start / back / play / forward / end buttons and a step size (the slider is the map's: ui/deck_map.py)."""
    lang = st.session_state["lang"]
    cols = st.columns([1, 1, 1.2, 1, 1, 1.6])
    cols[0].button(t("start", lang), on_click=_jump, args=(first,), width="stretch")
    cols[1].button(t("back", lang), on_click=_move, args=(first, last, -1), width="stretch")
    cols[2].button(
        t("pause" if st.session_state["playing"] else "play", lang),
        on_click=_toggle_play,
        args=(first, last),
        width="stretch",
        type="primary",
    )
    cols[3].button(t("forward", lang), on_click=_move, args=(first, last, 1), width="stretch")
    cols[4].button(t("end", lang), on_click=_jump, args=(last,), width="stretch")
    cols[5].selectbox(
        t("step", lang), STEPS, key="step", format_func=lambda s: t(f"step_{s}", lang), label_visibility="collapsed"
    )
    if st.session_state["playing"]:
        _player(first, last)


@st.fragment(run_every=PLAY_INTERVAL_S)
def _player(first: date, last: date) -> None:
    """While playing, advance one step per tick and redraw the whole page."""
    state = st.session_state
    if not state.get("playing"):
        return
    # The fragment also runs inside every full rerun: advance only once per tick.
    now = time.monotonic()
    if now - state.get("last_tick", 0.0) < PLAY_INTERVAL_S * 0.9:
        return
    state["last_tick"] = now
    if state["as_of"] >= last:
        state["playing"] = False
    else:
        _move(first, last, 1)
    st.rerun()


def url_notices() -> None:
    """Say once which URL parameters were ignored and why."""
    for notice in st.session_state.pop("url_notices", []) or []:
        st.info(notice, icon=":material/info:")


def write_url(view: MapView) -> None:
    """Keep the address bar equal to the view, so copying it shares the view."""
    query = query_for(view, st.session_state.get("selected"))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
