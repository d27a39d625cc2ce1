"""The view controls: language, clock, layers, frame, and the as-of date with play/step."""

from __future__ import annotations

import time
from collections.abc import Container
from datetime import date

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from rkmap.app.choices import choice, repair_choices, resend_choices
from rkmap.app.url_state import parse_query, query_for
from rkmap.core.dates import add_period
from rkmap.core.messages import frame_label, t
from rkmap.render.view import DEFAULT_EMPHASIS_DAYS, EMPHASIS_CHOICES, LAYERS, REGIONS, USER_REGION, MapView

STEPS = ("day", "week", "month", "year")
# Seconds between play steps: each step reruns the page, which takes a few tenths of a second here.
PLAY_SPEEDS = (2.4, 1.2, 0.6)
# The step and speed boxes fit their longest option ("month", "every 2.4 s") beside the box's arrow.
STEP_BOX_PX = 100
SPEED_BOX_PX = 128
DEFAULT_PLAY_SPEED = 1.2


def init_state(first: date, last: date, items: Container[str], user_frame: bool = False) -> None:
    """Defaults for a new session, then the view in the URL; existing choices are kept.

    ``user_frame``: the session has its own data, so the URL may ask for their frame.
    """
    defaults = {
        "lang": "en",
        "clock": "event",
        "region": "route",
        "emphasis_days": DEFAULT_EMPHASIS_DAYS,
        "step": "month",
        "play_speed": DEFAULT_PLAY_SPEED,
        "playing": False,
        "as_of": last,
        **{f"layer_{name}": True for name in LAYERS},
    }
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    if not st.session_state.get("url_applied"):
        st.session_state["url_applied"] = True
        from_url = parse_query(st.query_params.to_dict(), items, user_frame=user_frame)
        st.session_state.update(from_url.values)
        st.session_state["url_notices"] = from_url.notices


def current_view() -> MapView:
    """The view the controls describe; any control's value the browser sent as a label is a key again first."""
    repair_choices()
    state = st.session_state
    return MapView(
        as_of=state["as_of"],
        clock=state["clock"],
        layers=frozenset(name for name in LAYERS if state[f"layer_{name}"]),
        lang=state["lang"],
        emphasis_days=int(state["emphasis_days"]),
        region=state["region"],
    )


def region_options(user_frame: bool) -> tuple[str, ...]:
    """The frames offered: the fixed ones, and the user's data frame while the session has user data."""
    return (*REGIONS, USER_REGION) if user_frame else tuple(REGIONS)


def sidebar_controls(user_frame: bool = False) -> None:
    lang = st.session_state["lang"]
    with st.sidebar:
        # Language names are the same in both languages; a switch re-sends every other choice, newly labelled.
        st.radio(t("language", lang), ("en", "ja"), key="lang", horizontal=True, on_change=resend_choices, format_func=lambda v: "English" if v == "en" else "日本語")
        lang = st.session_state["lang"]
        choice(st.radio, t("clock", lang), ("event", "public"), key="clock", lang=lang, option_label=lambda v, ln: t(f"clock_{v}", ln), help=t("clock_help", lang))
        st.markdown(f"**{t('layers', lang)}**")
        for name in LAYERS:
            st.checkbox(t(f"layer_{name}", lang), key=f"layer_{name}")
        choice(st.selectbox, t("region", lang), region_options(user_frame), key="region", lang=lang, option_label=region_label)
        st.select_slider(t("emphasis", lang), EMPHASIS_CHOICES, key="emphasis_days")


def region_label(key: str, lang: str) -> str:
    return frame_label(key, lang)


def add_step(day: date, step: str, direction: int) -> date:
    """``day`` moved one ``step`` forward (+1) or back (-1); month ends are clamped."""
    return add_period(day, direction, step[0])


def _move(first: date, last: date, direction: int) -> None:
    """One step; within the data's span, or from a date outside it back towards it (never further out)."""
    state = st.session_state
    day = state["as_of"]
    state["as_of"] = min(max(add_step(day, state["step"], direction), min(first, day)), max(last, day))


def _jump(day: date) -> None:
    st.session_state["as_of"] = day
    st.session_state["playing"] = False


def _toggle_play(first: date, last: date) -> None:
    state = st.session_state
    state["playing"] = not state["playing"]
    if state["playing"] and not first <= state["as_of"] < last:
        state["as_of"] = first


def time_controls(first: date, last: date) -> DeltaGenerator:
    """Start / back / play / forward / end buttons, step size and play speed (the slider is the map's: rkmap/app/deck_map.py).

    Returns the row's first column, left for the story button.
    """
    lang = st.session_state["lang"]
    # One row that wraps (a flex row): each button as wide as its label in either language, so none is
    # cut short ("Forw…") in a narrow window; what does not fit goes onto a second row.
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="small", key="time_controls")
    lead = row.container(width="content")
    row.button(t("start", lang), on_click=_jump, args=(first,))
    row.button(t("back", lang), on_click=_move, args=(first, last, -1))
    # A stable key: the button stays the same element when its label turns Play <-> Pause,
    # so keyboard focus stays on it and Enter or Space pauses what they started.
    row.button(
        t("pause" if st.session_state["playing"] else "play", lang),
        key="play_button",
        on_click=_toggle_play,
        args=(first, last),
        type="primary",
    )
    row.button(t("forward", lang), on_click=_move, args=(first, last, 1))
    row.button(t("end", lang), on_click=_jump, args=(last,))
    choice(row.selectbox, t("step", lang), STEPS, key="step", lang=lang, option_label=lambda v, ln: t(f"step_{v}", ln),
           label_visibility="collapsed", width=STEP_BOX_PX)
    choice(
        row.selectbox,
        t("play_speed", lang),
        PLAY_SPEEDS,
        key="play_speed",
        lang=lang,
        default=DEFAULT_PLAY_SPEED,
        option_label=lambda v, ln: t("play_speed_option", ln, seconds=v),
        label_visibility="collapsed",
        width=SPEED_BOX_PX,
    )
    if st.session_state["playing"]:
        interval = float(st.session_state["play_speed"])
        st.fragment(run_every=interval)(_player)(first, last, interval)
    return lead


def _player(first: date, last: date, interval: float) -> None:
    """While playing, advance one step per tick and redraw the whole page."""
    state = st.session_state
    if not state.get("playing"):
        return
    # The fragment also runs inside every full rerun: advance only once per tick.
    now = time.monotonic()
    if now - state.get("last_tick", 0.0) < interval * 0.9:
        return
    state["last_tick"] = now
    if not first <= state["as_of"] < last:
        state["playing"] = False
    else:
        _move(first, last, 1)
    st.rerun()


def url_notices() -> None:
    """Say once which URL parameters were ignored and why."""
    lang = st.session_state["lang"]
    for notice in st.session_state.pop("url_notices", []) or []:
        st.info(notice.text(lang), icon=":material/info:")


def write_url(view: MapView) -> None:
    """Keep the address bar equal to the view, so copying it shares the view."""
    query = query_for(view, st.session_state.get("selected"))
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)
