"""Page-wide CSS the map needs: the water colour behind the basemap and the deck.gl canvas."""

from __future__ import annotations

import streamlit as st

from rkmap.core import style

# The basemap rasters (images under the transparent canvas) are opaque and carry
# the water; beyond their bounds (far zoomed out) this background shows instead.
# Done in CSS because a world-sized water polygon cost ~10 ms of every software-WebGL frame.
MAP_SELECTOR = ".deck-map-canvas"


# Room for the map: on a 1280x720 laptop the map must start in the window's upper half,
# so the page's top padding and the title are smaller than Streamlit's defaults.
PAGE_CSS = (
    '[data-testid="stMainBlockContainer"] { padding-top: 1.25rem; padding-bottom: 2rem; }'
    '[data-testid="stMain"] h1 { font-size: 1.6rem; padding: 0 0 0.1rem 0; }'
)


def map_background_css() -> str:
    return f"<style>{MAP_SELECTOR} {{ background-color: {style.rgb_hex(style.WATER)}; }} {PAGE_CSS}</style>"


def map_background() -> None:
    # Style-only HTML goes to Streamlit's event container: it takes no space on the page.
    st.html(map_background_css())
