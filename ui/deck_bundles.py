"""Where the browser gets deck.gl, and the preload that starts it first thing.

The bundle takes the browser a good part of a second to fetch and run on a
slow machine, and software WebGL then builds a shader pipeline per layer kind
before the map's first frame (see bench/README.md). The map component can
only ask for the bundle once its element arrives, late in the page's first
run; the preload, the page's first element, asks at the start of that run and
then draws the warm-up deck (layers/primitives.py, ui/deck_loader.js), which
the map takes over. Nothing here imports pandas or the data modules: app.py
calls :func:`preload_deck_gl` before it imports them.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from layers.basemap import static_url
from layers.primitives import warmup_deck_json

_HERE = Path(__file__).resolve().parent
# The map's own deck.gl build (scripts/deckgl_bundle; licences in static/vendor/README.md):
# core, the three layer types and two extensions the map uses, the JSON converter for
# pydeck's JSON and CSV loading, 0.9 MB. pydeck's offline bundle, 4.2 MB with every
# layer type, took the browser ≈ 0.6 s to run on the benchmark machine.
DECKGL_BUNDLE = "vendor/deckgl-map-9.3.6.min.js"
PRELOAD_KEY = "deck_gl_preload"  # its element is hidden (ui/page_style.py)
LOADER_JS = (_HERE / "deck_loader.js").read_text(encoding="utf-8")

_preload = st.components.v2.component(
    "deck_gl_preload",
    html="",
    js=LOADER_JS
    + "\nexport default function ({ data: [bundles, warmup] }) {\n  performance.mark(\"deck-map:preload\");\n"
    + "  loadDeckGl(bundles).then(() => warmUpDeck(warmup)).catch(() => {}); // the map reports a failure\n}\n",
)


def bundle_urls() -> list[str]:
    """The deck.gl bundles' URLs, in the order they must run."""
    return [static_url(DECKGL_BUNDLE)]


def preload_deck_gl() -> None:
    """Have the browser run deck.gl and build the map's shader pipelines now, while the rest of the page is built."""
    # A list, not a dict: Streamlit looks for data frames in a dict, which imports pandas (≈ 0.3 s).
    _preload(key=PRELOAD_KEY, data=[bundle_urls(), warmup_deck_json()])
