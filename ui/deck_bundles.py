"""Where the browser gets deck.gl, and the preload that starts it first thing.

The bundles take the browser ≈ 0.7 s to fetch and run (software WebGL
machine, see bench/README.md). The map component can only ask for them once
its element arrives, late in the page's first run; the preload, the page's
first element, asks at the start of that run, so the two overlap. Nothing
here imports pandas or the data modules: app.py calls :func:`preload_deck_gl`
before it imports them.
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import streamlit as st

from layers._static_files import publish_copy
from layers.basemap import static_url

_HERE = Path(__file__).resolve().parent
# pydeck's offline deck.gl bundle (the one pydeck's to_html(offline=True) inlines):
# it defines createDeck / updateDeck and the JSON converter for pydeck's JSON.
# Found without importing pydeck (which imports pandas).
DECKGL_BUNDLE = Path(find_spec("pydeck").origin).parent / "nbextension" / "static" / "index.js"
# pydeck's bundle leaves out @deck.gl/extensions (DataFilterExtension, PathStyleExtension):
# the same deck.gl version's own build of them is shipped here (MIT; static/vendor/README.md).
EXTENSIONS_BUNDLE = "vendor/deckgl-extensions-9.3.6.min.js"
PRELOAD_KEY = "deck_gl_preload"  # its element is hidden (ui/page_style.py)
LOADER_JS = (_HERE / "deck_loader.js").read_text(encoding="utf-8")

_preload = st.components.v2.component(
    "deck_gl_preload",
    html="",
    js=LOADER_JS + "\nexport default function ({ data }) {\n  performance.mark(\"deck-map:preload\");\n  loadDeckGl(data).catch(() => {}); // the map reports a failure\n}\n",
)


def bundle_urls() -> list[str]:
    """The deck.gl bundles' URLs, in the order they must run."""
    return [publish_copy(DECKGL_BUNDLE, "deckgl"), static_url(EXTENSIONS_BUNDLE)]


def preload_deck_gl() -> None:
    """Have the browser fetch and run deck.gl now, while the rest of the page is built."""
    # A list, not a dict: Streamlit looks for data frames in a dict, which imports pandas (≈ 0.3 s).
    _preload(key=PRELOAD_KEY, data=bundle_urls())
