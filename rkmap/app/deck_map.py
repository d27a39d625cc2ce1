"""The map, its as-of slider and the timeline strip in one component: a slider step redraws in the browser.

With ``st.slider`` plus ``st.pydeck_chart`` every step waited for a rerun, its
deltas and a rebuilt deck before the map moved. Here the browser holds the
deck (the map's ES modules bundled with its own deck.gl build, the module of the
component, served from its asset folder rkmap/app/deck_map_assets/), the
basemap rasters as images under its canvas, and the layers' filter
templates (``asOfRanges``, rkmap/render/view.py): a step fills in the new day and
redraws at once, the timeline strip under the map (rkmap/app/timeline.py) with it,
then reports the day, and the rerun that follows updates the rest of what
depends on the date (the count, the open export and download panels, the URL).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pydeck as pdk
import streamlit as st

from rkmap.app.bench_off import off
from rkmap.app.deck_bundles import COMPONENT, map_module_file
from rkmap.app.detail import item_key_for
from rkmap.app.restart import first_run_after_restart
from rkmap.core.dates import day_number, from_day_number
from rkmap.render.basemap import basemap_images
from rkmap.render.static_data import published_json_text

_HERE = Path(__file__).resolve().parent
STATE_KEY = "as_of"  # the session-state date the slider reports into
MIN_HEIGHT = 420  # px: the map never gets shorter, however small the window
# The layer files sent with the page (rkmap/app/prefill.js): each at most FILE_BYTES (a larger
# one is fetched, as before), each once per session, and at most SESSION_BYTES in all.
FILE_BYTES = 256 * 1024
SESSION_BYTES = 4 * 1024 * 1024
_SENT_KEY = "_map_files_sent"  # session state: {url: bytes} of the files sent so far
_CSS = (_HERE / "deck_map.css").read_text(encoding="utf-8")  # read once: the component is registered at every run

def _component() -> Callable[..., Any]:
    """The map component: its module is the built bundle in its asset folder (rkmap/app/deck_map_assets/).

    Registered at each run, not at import: Streamlit resolves the asset folder from the
    package's manifest through the running app's component registry, which does not exist
    when this module is imported outside a server (the command line, unit tests). An
    unchanged definition registers silently.
    """
    return st.components.v2.component(
        COMPONENT,
        html='<div class="deck-map"></div>',
        css=_CSS,
        js=map_module_file(),
        isolate_styles=False,  # a page-wide rule gives the map its water colour (rkmap/app/page_style.py)
    )


def map_payload(deck: pdk.Deck, as_of: date, first: date, last: date, label: str, height: int,
                timeline: Mapping[str, object] | None = None, frame: tuple[float, float, float, float] | None = None) -> dict[str, object]:
    """What the browser needs: the deck JSON (filters at ``as_of``), the slider's span and the timeline strip's data.

    ``height`` is the map's least height (it fills the window below its top); ``frame`` the box
    (west, south, east, north) the browser fits into the map's real size.
    """
    return {
        "deck": deck.to_json(),
        "tooltip": pydeck_tooltip(deck),
        "day": day_number(as_of),
        "first": day_number(first),
        "last": day_number(last),
        "label": label,
        "height": height,
        "frame": list(frame) if frame else None,
        "basemap": basemap_images(),  # shown under the canvas, not drawn by deck.gl
        "timeline": timeline,  # rkmap/app/timeline.py timeline_payload; None: no strip
    }


def file_urls(deck: pdk.Deck, timeline: Mapping[str, object] | None) -> list[str]:
    """The URLs of the files the deck's layers and the timeline strip will fetch, in their order.

    Read from the layers themselves, not from the deck's JSON: parsed at every rerun, that JSON
    can hold an analyst's rows inline.
    """
    urls = [getattr(layer, "data", None) for layer in deck.layers] + [(timeline or {}).get(part) for part in ("marks", "counts")]
    return list(dict.fromkeys(url for url in urls if isinstance(url, str)))


def files_to_send(urls: list[str], sent: dict[str, int]) -> dict[str, str]:
    """The texts of the published files among ``urls`` not yet in ``sent`` (updated), within the bounds."""
    texts: dict[str, str] = {}
    budget = SESSION_BYTES - sum(sent.values())
    for url in urls:
        if url in sent:
            continue
        text = published_json_text(url, min(FILE_BYTES, budget))
        if text is not None:
            texts[url] = text
            sent[url] = len(text.encode())
            budget -= sent[url]
    return texts


def pydeck_tooltip(deck: pdk.Deck) -> object:
    """The deck's tooltip template: the one pydeck private the app reads (checked against pydeck 0.9.3).

    Not part of pydeck's JSON: pydeck keeps it on the Deck as ``_tooltip``, and
    st.pydeck_chart reads it the same way. The deck.gl privates the browser uses
    are all in rkmap/app/deck_private.js.
    """
    return deck._tooltip


def picked_key(pick: object) -> str | None:
    """The item key ("event:…", "leg:…", "place:…") of a clicked map object, if it names one."""
    if not isinstance(pick, Mapping):
        return None
    return item_key_for(str(pick.get("layer", "")), pick.get("kind"), pick.get("id"))


def clamped_day(reported: object, first: date, last: date) -> date | None:
    """The date of a day number the browser reported, within the data's span; None if it is not one."""
    if not isinstance(reported, int) or isinstance(reported, bool):
        return None
    return min(max(from_day_number(reported), first), last)


def day_reported(key: str, first: date, last: date) -> None:
    """on_change: the day the slider of component ``key`` reported becomes the session's as-of date."""
    day = clamped_day((st.session_state.get(key) or {}).get("day"), first, last)
    if day is not None:
        st.session_state[STATE_KEY] = day


def deck_map(deck: pdk.Deck, first: date, last: date, label: str, *, timeline: Mapping[str, object] | None = None,
             frame: tuple[float, float, float, float] | None = None, height: int = MIN_HEIGHT, key: str = "map") -> str | None:
    """Draw the map with its slider (and timeline strip); return the item key clicked on the map in this run, if any."""
    payload = map_payload(deck, st.session_state[STATE_KEY], first, last, label, height, timeline, frame)
    if not off("prefill"):
        payload["files"] = files_to_send(file_urls(deck, timeline), st.session_state.setdefault(_SENT_KEY, {}))
    result = _component()(
        key=key,
        data=payload,
        default={"day": day_number(st.session_state[STATE_KEY])},
        on_day_change=lambda: day_reported(key, first, last),
        on_pick_change=lambda: None,
    )
    if first_run_after_restart():
        # A page open before a server restart: its slider day is news to this session (rkmap/app/restart.py).
        before = st.session_state[STATE_KEY]
        day_reported(key, first, last)
        if st.session_state[STATE_KEY] != before:
            st.rerun(scope="app")
    return picked_key(getattr(result, "pick", None))
