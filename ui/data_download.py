"""Download what the map shows as data: GeoJSON, KML (Google Earth) and CSV, with sources.

The files are made only when a button is clicked (deferred data), for the
current view: its date, clock, layers and language; the user's data included.
"""

from __future__ import annotations

import streamlit as st

from briefing.data_export import MIMES, export_bytes
from geodata import Dataset
from layers.view import LAYERS, MapView
from ui.i18n import t

FORMATS = (("geojson", "GeoJSON"), ("kml", "KML (Google Earth)"), ("csv", "CSV"))


def file_name(view: MapView, fmt: str) -> str:
    return f"russia-dprk-map_{view.as_of.isoformat()}_{view.clock}_{view.lang}.{fmt}"


def data_download(dataset: Dataset, view: MapView) -> None:
    lang = view.lang
    layers = ", ".join(t(f"layer_{name}", lang) for name in LAYERS if name in view.layers) or "—"
    st.caption(t("data_download_note", lang, date=view.as_of.isoformat(), clock=t(f"clock_{view.clock}", lang), layers=layers))
    for fmt, label in FORMATS:
        st.download_button(
            t("export_download", lang, fmt=label),
            data=lambda fmt=fmt: export_bytes(dataset, view, fmt),
            file_name=file_name(view, fmt),
            mime=MIMES[fmt],
            key=f"data_download_{fmt}",
            on_click="ignore",
            width="stretch",
        )
