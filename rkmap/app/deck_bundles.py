"""Which file the map component's module is, and the preload that starts it first thing.

The map component's JavaScript is ES modules (rkmap/app/deck_map.js and what it
imports, with the map's own deck.gl build, rkmap/app/deck_gl.js), bundled by esbuild
into one module in the component's asset folder, rkmap/app/deck_map_assets/
(``make js``; the built file is committed, so the app runs offline and without
Node.js). The folder is declared in pyproject.toml, so Streamlit serves it and
loads the module by its URL: its 0.9 MB never travel with a rerun.

The module takes the browser a good part of a second to fetch and run on a
slow machine (see docs/performance-decisions.md). The map component can
only ask for it once its element arrives, late in the page's first run. The
preload, the page's first element, asks for it at the start of the first run,
by the same URL, so the browser fetches and runs it once (no window globals).
Nothing here imports pandas, pydeck or the data modules: app.py calls
:func:`preload_deck_gl` before it imports them.
"""

from __future__ import annotations

import streamlit as st

from rkmap.app.bench_off import off

# The component's name as pyproject.toml declares it, and the folder Streamlit serves its asset folder at.
COMPONENT = "rkmap.deck_map"
ASSET_URL = f"_stcore/bidi-components/{COMPONENT}"
MAP_MODULE = "deck_map.js"  # in the asset folder: the bundle, with its licence list (README.md there)
BENCH_WEBGL_LINES_MODULE = "deck_map_webgl_lines.js"  # built by bench/webgl_lines/build.mjs, never shipped
PRELOAD_KEY = "deck_gl_preload"  # its element is hidden (rkmap/app/page_style.py)

_preload = st.components.v2.component(
    "deck_gl_preload",
    html="",
    # The URL Streamlit loads the component's module from, relative to the page (the
    # app may be served under a path). A failure is left to the map component.
    js="""export default function ({ data: [path] }) {
  performance.mark("deck-map:preload");
  import(new URL(path, document.baseURI).href).then((map) => map.preloadDeckGl()).catch(() => {});
}
""",
)


def map_module_file() -> str:
    """The map module's file in the component's asset folder."""
    # The benchmark's variant with WebGL lines (bench/webgl_lines/), to measure the SVG lines against.
    return BENCH_WEBGL_LINES_MODULE if off("svg_lines") else MAP_MODULE


def preload_deck_gl() -> None:
    """Have the browser fetch and run the map's module now, while the rest of the page is built."""
    if off("preload"):
        return
    # A list, not a dict: Streamlit looks for data frames in a dict, which imports pandas (≈ 0.3 s).
    _preload(key=PRELOAD_KEY, data=[f"{ASSET_URL}/{map_module_file()}"])
