"""The dataset, loaded once per server process and shared read-only by sessions.

It comes from the backend :func:`rkmap.data.resolve_source` picks: a team's
PostGIS database (``DATABASE_URL`` or ``database_url`` in
``.streamlit/secrets.toml``) or the files (``MAP_DATA_DIR`` or the shipped
folder). The app loads the whole date range: the slider filters on the GPU.
"""

from __future__ import annotations

import os

import streamlit as st

from rkmap.app._markdown import md_escape
from rkmap.core.messages import t
from rkmap.data import DATA_DIR, Dataset, DataSource, Problem, resolve_source
from rkmap.data.postgis import DatabaseError
from rkmap.data.source import DATA_DIR_ENV, SourceError, open_source

__all__ = ["DATA_DIR_ENV", "data_dir", "data_source", "load_cached", "shipped_dataset", "source_caption"]


def data_dir() -> str:
    """The data folder of the files backend (also where ``story.csv`` is read from)."""
    return os.environ.get(DATA_DIR_ENV) or str(DATA_DIR)


def data_source() -> DataSource:
    """The backend this run uses; a bad configuration stops the page with the reason."""
    try:
        return resolve_source()
    except SourceError as exc:
        st.error(md_escape(str(exc)))
        st.stop()
        raise  # not reached: st.stop() ends the run


@st.cache_resource(show_spinner=False)
def load_cached(key: str, _source: DataSource) -> tuple[Dataset, tuple[Problem, ...]]:
    """Load leniently: a bad row is left out and reported, the rest still shows.

    Cached per source (``key`` hashes the location: no password in the cache key).
    """
    opened = open_source(_source, strict=False)
    return opened.dataset, tuple(opened.problems)


def shipped_dataset() -> tuple[Dataset, tuple[Problem, ...]]:
    source = data_source()
    try:
        return load_cached(source.cache_key, source)
    except DatabaseError as exc:  # a database that fails: say why, never a traceback
        st.error(md_escape(t("data_unavailable", "en", error=str(exc))))
        st.stop()
        raise  # not reached


def source_caption(lang: str) -> str:
    """'Data: files' or 'Data: PostGIS at host:port/db' (never a password)."""
    source = data_source()
    if source.is_database:
        return t("data_source_postgis", lang, where=source.describe().removeprefix("PostGIS at "))
    return t("data_source_files", lang)
