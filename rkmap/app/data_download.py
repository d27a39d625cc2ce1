"""Download what the map shows as data: GeoJSON, KML (Google Earth) and CSV, with sources.

The files are made for the current view: its date, clock, layers and
language; the user's data included. Small views are made at once; views of
more than ``style.LARGE_EVENT_COUNT`` features are made when asked for, so a
slider move never waits for them. See :mod:`rkmap.app._prepared` for why the bytes
are handed to the button rather than made on click.
"""

from __future__ import annotations

import streamlit as st

from rkmap.app._prepared import dataset_token, prepared_download
from rkmap.core.messages import t
from rkmap.core.style import LARGE_EVENT_COUNT
from rkmap.data import Dataset
from rkmap.render.data_export import MIMES, export_bytes
from rkmap.render.view import MapView, layer_names, shown_counts

FORMATS = (("geojson", "GeoJSON"), ("kml", "KML (Google Earth)"), ("csv", "CSV"))


def file_name(view: MapView, fmt: str) -> str:
    return f"russia-dprk-map_{view.as_of.isoformat()}_{view.clock}_{view.lang}.{fmt}"


def data_download(dataset: Dataset, view: MapView) -> None:
    lang = view.lang
    layers = layer_names(view)
    st.caption(t("data_download_note", lang, date=view.as_of.isoformat(), clock=t(f"clock_{view.clock}", lang), layers=layers))
    features = sum(shown_counts(dataset, view))
    large = features > LARGE_EVENT_COUNT
    if large:
        st.caption(t("data_download_large", lang, fmt_list=", ".join(label for _, label in FORMATS)))
    made_for = (dataset_token(dataset), view.as_of, view.clock, view.layers, view.lang)  # what the files depend on
    for fmt, label in FORMATS:
        prepared_download(
            f"data_download_{fmt}",
            made_for,
            lambda fmt=fmt: export_bytes(dataset, view, fmt),
            download_label=t("export_download", lang, fmt=label),
            file_name=file_name(view, fmt),
            mime=MIMES[fmt],
            prepare_label=t("data_download_prepare", lang, fmt=label, features=f"{features:,}") if large else None,
            busy_label=t("export_rendering", lang),
        )
