"""The benchmark's baseline: the simplest Streamlit page that shows the same points.

One pydeck ScatterplotLayer of the events (at their place, with a tiny
deterministic jitter), a date slider over the data's span, the filter done in
pandas on every rerun, no basemap. Reads the folder in ``MAP_DATA_DIR`` (or the
shipped ``geodata/``) with plain pandas, without validation: ``events.parquet``
if present, else ``events.csv``, and ``places.csv`` for the coordinates.

The only concessions to fairness: the data is read once per process
(``st.cache_resource``, as any real app would), and the map sits in the same
3:1 column, beside a sidebar, at the same height as the app's, so both canvases
have the same size.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pydeck as pdk
import streamlit as st

FOLDER = Path(os.environ.get("MAP_DATA_DIR") or Path(__file__).resolve().parent.parent / "geodata")


def _first_day(text: pd.Series) -> pd.Series:
    """'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' -> the first day it can mean."""
    text = text.str.strip()
    text = text.where(text.str.len() != 4, text + "-01-01")
    text = text.where(text.str.len() != 7, text + "-01")
    return pd.to_datetime(text, format="%Y-%m-%d")


@st.cache_resource(show_spinner=False)
def load(folder: str) -> pd.DataFrame:
    folder_path = Path(folder)
    parquet = folder_path / "events.parquet"
    events = pd.read_parquet(parquet) if parquet.exists() else pd.read_csv(folder_path / "events.csv", dtype=str, keep_default_na=False)
    places = pd.read_csv(folder_path / "places.csv").set_index("id")
    points = events.join(places[["lon", "lat"]], on="place_id")
    jitter = np.random.default_rng(0).normal(0.0, 0.03, size=(len(points), 2))
    points["lon"] = points["lon"] + jitter[:, 0]
    points["lat"] = points["lat"] + jitter[:, 1]
    points["day"] = _first_day(points["date"]).dt.date
    return points


st.set_page_config(page_title="Baseline", layout="wide")
points = load(str(FOLDER))
first, last = points["day"].min(), points["day"].max()
as_of: date = st.slider("As of", min_value=first, max_value=last, value=last, format="YYYY-MM-DD")
shown = points.loc[points["day"] <= as_of, ["lon", "lat"]]
# In the sidebar, which also gives the map column the same width as in the app.
st.sidebar.caption(f"{len(shown)} events shown as of {as_of.isoformat()}")

layer = pdk.Layer(
    "ScatterplotLayer",
    data=shown,
    get_position=["lon", "lat"],
    get_radius=20_000,
    radius_min_pixels=2,
    get_fill_color=[200, 40, 40, 170],
)
deck = pdk.Deck(
    layers=[layer],
    initial_view_state=pdk.ViewState(longitude=92.0, latitude=50.7653, zoom=2.27),
    map_provider=None,  # no basemap; map_style left unset (None would fetch Carto styles)
)
map_column, _ = st.columns([3, 1])
with map_column:
    st.pydeck_chart(deck, height=620)
