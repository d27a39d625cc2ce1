"""Which file the map component's module is.

The map component's JavaScript is ES modules (rkmap/app/deck_map.js and what it
imports, with the map's own deck.gl build, rkmap/app/deck_gl.js), bundled by esbuild
into one module in the component's asset folder, rkmap/app/deck_map_assets/
(``make js``; the built file is committed, so the app runs offline and without
Node.js). The folder is declared in pyproject.toml, so Streamlit serves it and
loads the module by its URL: its 0.9 MB never travel with a rerun.

A preload that asked for the module as the page's first element was deleted on
2026-12-07: re-measured, it no longer saved 5 % of the cold start at any size
(docs/performance-decisions.md).
"""

from __future__ import annotations

from rkmap.app.bench_off import off

# The component's name as pyproject.toml declares it (Streamlit serves its asset folder at _stcore/bidi-components/<name>/).
COMPONENT = "rkmap.deck_map"
MAP_MODULE = "deck_map.js"  # in the asset folder: the bundle, with its licence list (README.md there)
BENCH_WEBGL_LINES_MODULE = "deck_map_webgl_lines.js"  # built by bench/webgl_lines/build.mjs, never shipped


def map_module_file() -> str:
    """The map module's file in the component's asset folder."""
    # The benchmark's variant with WebGL lines (bench/webgl_lines/), to measure the SVG lines against.
    return BENCH_WEBGL_LINES_MODULE if off("svg_lines") else MAP_MODULE

