"""Russia–North Korea relationship map: composes the page; no data logic here."""

from __future__ import annotations

import streamlit as st

from rkmap.app.page import render
from rkmap.app.page_style import map_background

# No page_icon: an emoji shows as a box offline and loads the emoji catalogue at start-up, and a
# Material icon favicon is fetched from fonts.gstatic.com. Streamlit's own favicon is served locally.
st.set_page_config(page_title="Russia–North Korea map", layout="wide")
map_background()
render()
