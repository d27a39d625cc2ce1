"""The dataset, loaded once per server process and shared read-only by sessions."""

from __future__ import annotations

import streamlit as st

from geodata import Dataset, Problem, load_dataset


@st.cache_resource(show_spinner=False)
def shipped_dataset() -> tuple[Dataset, tuple[Problem, ...]]:
    """Load leniently: a bad row is left out and reported, the rest still shows."""
    dataset, problems = load_dataset(strict=False)
    return dataset, tuple(problems)
