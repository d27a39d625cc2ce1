"""Story mode: step through the curated key events of ``geodata/story.csv``.

A step sets the as-of date, the frame (so the camera moves), the clock and the
selected item (so the detail panel shows its sources and quotes), and turns
on the item's layer. The bar sits outside the map fragment: a step reruns the
whole page, since the frame and the clock are sidebar controls. Exit puts the
view back as it was before the story started.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from rkmap.app._markdown import md_escape
from rkmap.app.data import data_dir
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.data import Dataset
from rkmap.data.story import StoryStep, load_story

STEP_KEY = "story_step"  # index into the steps while the story runs; absent otherwise
SAVED_KEY = "story_saved"  # the view before the story started, restored on Exit
SAVED_FIELDS = ("as_of", "region", "clock", "selected", "layer_events", "layer_route")
CAMERA_KEY = "camera"  # bumped by every step and by Exit: the map is re-framed even if panned


def camera_count() -> int:
    return int(st.session_state.get(CAMERA_KEY, 0))


def _reframe() -> None:
    st.session_state[CAMERA_KEY] = camera_count() + 1


def story_steps(shipped: Dataset) -> tuple[tuple[StoryStep, ...], tuple[str, ...]]:
    """The story of the data folder, loaded leniently once per dataset: steps and problems."""

    def build() -> tuple[tuple[StoryStep, ...], tuple[str, ...]]:
        steps, problems = load_story(shipped, data_dir(), strict=False)
        return steps, tuple(str(p) for p in problems)

    return memo(shipped, "story", build)


def _apply(steps: tuple[StoryStep, ...], index: int) -> None:
    state = st.session_state
    step = steps[index]
    state[STEP_KEY] = index
    state["as_of"] = step.as_of
    state["region"] = step.region
    state["clock"] = step.clock
    state["selected"] = step.item
    state["layer_events" if step.item.startswith("event:") else "layer_route"] = True
    state["playing"] = False
    _reframe()


def _start(steps: tuple[StoryStep, ...]) -> None:
    state = st.session_state
    state[SAVED_KEY] = {key: state.get(key) for key in SAVED_FIELDS}
    _apply(steps, 0)


def _go(steps: tuple[StoryStep, ...], delta: int) -> None:
    index = st.session_state.get(STEP_KEY, 0) + delta
    _apply(steps, min(max(index, 0), len(steps) - 1))


def _exit() -> None:
    state = st.session_state
    state.pop(STEP_KEY, None)
    for key, value in (state.pop(SAVED_KEY, None) or {}).items():
        if value is not None or key == "selected":
            state[key] = value
    _reframe()


def _running_index(steps: tuple[StoryStep, ...]) -> int | None:
    state = st.session_state
    index = state.get(STEP_KEY)
    if index is not None and not 0 <= index < len(steps):
        state.pop(STEP_KEY)
        index = None
    return index


def story_start(slot: DeltaGenerator, shipped: Dataset) -> None:
    """The Story button, in ``slot`` (the first place in the time buttons' row), while no story runs."""
    steps, _ = story_steps(shipped)
    lang = st.session_state["lang"]
    if steps and _running_index(steps) is None:
        slot.button(t("story_start", lang), key="story_start", on_click=_start, args=(steps,), help=t("story_intro", lang, n=len(steps)))


def story_controls(shipped: Dataset) -> None:
    """The story bar above the map while a story runs: step through it with its captions."""
    steps, problems = story_steps(shipped)
    lang = st.session_state["lang"]
    index = _running_index(steps) if steps else None
    if index is not None:
        with st.container(border=True, key="story_bar"):
            step = steps[index]
            cols = st.columns([1, 1, 1, 5], vertical_alignment="center")
            cols[0].button(t("story_previous", lang), key="story_previous", on_click=_go, args=(steps, -1), disabled=index == 0, width="stretch")
            cols[1].button(t("story_next", lang), key="story_next", on_click=_go, args=(steps, 1), disabled=index == len(steps) - 1, type="primary", width="stretch")
            cols[2].button(t("story_exit", lang), key="story_exit", on_click=_exit, width="stretch")
            cols[3].caption(t("story_position", lang, k=index + 1, n=len(steps), date=step.as_of.isoformat()))
            # Captions are data: shown as plain text.
            st.markdown(md_escape(step.caption(lang)))
    if problems:
        st.warning(t("story_problems", lang) + "\n\n" + "\n".join(f"- {md_escape(p)}" for p in problems))
