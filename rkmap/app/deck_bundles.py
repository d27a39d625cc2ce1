"""Where the browser gets the map's module, and the preload that starts it first thing.

The map component's JavaScript is ES modules (rkmap/app/deck_map.js and what it
imports, with the map's own deck.gl build, rkmap/app/deck_gl.js), bundled by esbuild
into one module in the component's asset folder, static/deck_map/ (``make js``;
the built file is committed, so the app runs offline and without node). It is
served as a static file, not sent inline with the component: 0.9 MB would
otherwise travel with every rerun. (Streamlit serves a component's files from
its ``asset_dir`` only for a component in an installed package's
pyproject.toml; until the app is one, ./static serves the folder, and the
component sends a stub that imports the module.)

The module takes the browser a good part of a second to fetch and run on a
slow machine (see docs/performance-decisions.md). The map component can
only ask for it once its element arrives, late in the page's first run. The
preload, the page's first element, asks for it at the start of the first run.
Both import the module by the same URL, so the browser fetches and runs it
once (no window globals). Nothing here imports pandas, pydeck or the data
modules: app.py calls :func:`preload_deck_gl` before it imports them.
"""

from __future__ import annotations

import hashlib
from functools import cache

import streamlit as st

from rkmap.app.bench_off import off
from rkmap.render.basemap import STATIC_DIR, static_url

# The map component's asset folder under ./static: the bundle and its licence list (static/vendor/README.md).
MAP_MODULE = "deck_map/deck_map.js"
BENCH_WEBGL_LINES_MODULE = "deck_map_bench/deck_map.js"  # built by bench/webgl_lines/build.mjs, never shipped
PRELOAD_KEY = "deck_gl_preload"  # its element is hidden (rkmap/app/page_style.py)
# How a page imports the map's module: a URL relative to the page (a component's
# inline module is a blob: URL, against which a relative import means nothing).
# The same absolute URL everywhere, so the browser runs the module once.
IMPORT_JS = "import(new URL(url, document.baseURI).href)"

_preload = st.components.v2.component(
    "deck_gl_preload",
    html="",
    # A failure is left to the map, which says so where the map would be.
    js=f"""export default function ({{ data: [url] }}) {{
  performance.mark("deck-map:preload");
  {IMPORT_JS}.then((map) => map.preloadDeckGl()).catch(() => {{}});
}}
""",
)


@cache  # the file changes only with a new release: hash it once
def module_url() -> str:
    """The map module's URL, with a digest of its content: a new build is never taken from a stale cache."""
    # The benchmark's variant with WebGL lines (bench/webgl_lines/), to measure the SVG lines against.
    module = BENCH_WEBGL_LINES_MODULE if off("svg_lines") else MAP_MODULE
    digest = hashlib.sha256((STATIC_DIR / module).read_bytes()).hexdigest()[:12]
    return f"{static_url(module)}?v={digest}"


def preload_deck_gl() -> None:
    """Have the browser fetch and run the map's module now, while the rest of the page is built."""
    if off("preload"):
        return
    # A list, not a dict: Streamlit looks for data frames in a dict, which imports pandas (≈ 0.3 s).
    _preload(key=PRELOAD_KEY, data=[module_url()])
