"""The dataset, loaded once per server process and shared read-only by sessions."""

from __future__ import annotations

import os

import streamlit as st

from geodata import DATA_DIR, Dataset, Problem, load_dataset

# Point the app at another copy of the data files (e.g. a team's folder).
DATA_DIR_ENV = "MAP_DATA_DIR"


def data_dir() -> str:
    return os.environ.get(DATA_DIR_ENV) or str(DATA_DIR)


@st.cache_resource(show_spinner=False)
def load_cached(folder: str) -> tuple[Dataset, tuple[Problem, ...]]:
    """Load leniently: a bad row is left out and reported, the rest still shows."""
    dataset, problems = load_dataset(folder, strict=False)
    return dataset, tuple(problems)


def shipped_dataset() -> tuple[Dataset, tuple[Problem, ...]]:
    return load_cached(data_dir())
