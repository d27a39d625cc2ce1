"""Where the browser gets deck.gl, and the preload that starts it first thing.

The bundle takes the browser a good part of a second to fetch and run on a
slow machine, and software WebGL then builds a shader pipeline per layer kind
before the map's first frame (see bench/README.md). The map component can
only ask for the bundle once its element arrives, late in the page's first
run. The preload asks first and then draws the warm-up deck
(rkmap/render/primitives.py, rkmap/app/deck_loader.js), which the map takes over, as the
page's first element, at the start of the first run. Nothing here imports
pandas, pydeck or the data modules: app.py calls :func:`preload_deck_gl`
before it imports them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

from rkmap.app.bench_off import off
from rkmap.render.basemap import static_url

_HERE = Path(__file__).resolve().parent
# The map's own deck.gl build (scripts/deckgl_bundle; licences in static/vendor/README.md):
# core, the two layer types and the extension the map draws with in WebGL, the JSON
# converter for pydeck's JSON and CSV loading, 0.9 MB. pydeck's offline bundle, 4.2 MB with every
# layer type, took the browser ≈ 0.6 s to run on the benchmark machine.
DECKGL_BUNDLE = "vendor/deckgl-map-9.3.6.min.js"
PRELOAD_KEY = "deck_gl_preload"  # its element is hidden (rkmap/app/page_style.py)
LOADER_JS = (_HERE / "deck_loader.js").read_text(encoding="utf-8")
# rkmap.render.primitives.warmup_deck_json(), written by scripts/build_warmup_deck.py (a test checks it is current).
# Read, not built: building it imports pydeck and numpy (≈ 0.1 s), which the server
# would do before it could answer at all.
WARMUP_DECK_FILE = _HERE / "warmup_deck.json"

_preload = st.components.v2.component(
    "deck_gl_preload",
    html="",
    js=LOADER_JS
    + "\nexport default function ({ data: [bundles, warmup] }) {\n  performance.mark(\"deck-map:preload\");\n"
    + "  preloadDeckGl(bundles, warmup);\n}\n",
)


def bundle_urls() -> list[str]:
    """The deck.gl bundles' URLs, in the order they must run."""
    return [static_url(DECKGL_BUNDLE)]


@cache  # the page asks on every full rerun: read once
def warmup_deck() -> str:
    """The warm-up deck's pydeck JSON (see :data:`WARMUP_DECK_FILE`)."""
    if off("warmup_deck"):
        return ""
    return WARMUP_DECK_FILE.read_text(encoding="utf-8").strip()


def preload_deck_gl() -> None:
    """Have the browser run deck.gl and build the map's shader pipelines now, while the rest of the page is built."""
    if off("preload"):
        return
    # A list, not a dict: Streamlit looks for data frames in a dict, which imports pandas (≈ 0.3 s).
    _preload(key=PRELOAD_KEY, data=[bundle_urls(), warmup_deck()])
