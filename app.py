"""Russia–North Korea relationship map: composes the page; no data logic here."""

from __future__ import annotations

import streamlit as st

from rkmap.app.deck_bundles import preload_deck_gl
from rkmap.app.page_style import map_background

# No page_icon: an emoji shows as a box offline and loads the emoji catalogue at start-up, and a
# Material icon favicon is fetched from fonts.gstatic.com. Streamlit's own favicon is served locally.
st.set_page_config(page_title="Russia–North Korea map", layout="wide")
map_background()
preload_deck_gl()  # the page's first element: the browser starts on deck.gl while this run goes on

from rkmap.app.page import render  # noqa: E402 - after the preload above: it imports pandas and the data modules

render()
