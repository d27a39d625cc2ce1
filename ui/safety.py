"""Plain notices about what the server did to keep the page safe (issue #26): rows left out for their coordinates."""

from __future__ import annotations

import streamlit as st

from geodata.coordinates import checked_coordinates


def coordinate_notice(dataset: object, lang: str) -> None:
    """A warning naming the rows the map and the exports leave out because their coordinates cannot be drawn."""
    report = checked_coordinates(dataset)[1]
    if report:
        st.warning(report.message(lang), icon="⚠️")
