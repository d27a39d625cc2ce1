"""Layer data as static files: written once, fetched once by the browser.

Streamlit re-sends inline layer data on every rerun; a URL is a short string,
so deck.gl keeps the loaded data and a slider move only changes the filter.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pandas as pd

from rkmap.core.memo import memo
from rkmap.render.static_files import CACHE_DIR, STATIC_DIR, STATIC_URL, cache_path, write_static


def publish_csv(owner: object, key: str, build: Callable[[], pd.DataFrame]) -> str:
    """URL of a CSV built once per ``owner`` object and ``key``; content-hashed file name."""
    return _present(owner, f"csv:{key}", lambda: _write_csv(key, build()))


def publish_json(owner: object, key: str, build: Callable[[], object]) -> str:
    """URL of a JSON file built once per ``owner`` object and ``key``; content-hashed name."""
    return _present(owner, f"json:{key}", lambda: write_static(key, "json", json.dumps(build(), ensure_ascii=False, separators=(",", ":"))))


def _present(owner: object, key: str, write: Callable[[], str]) -> str:
    """The memoised URL, written again if the cache's size bound removed its file (rkmap/render/static_files.py)."""
    url = memo(owner, key, write)
    if not cache_path(url).exists():
        url = write()
    return url


def read_published(url: str) -> object:
    """The records behind a published URL (for tests and exports)."""
    path = (STATIC_DIR / url.removeprefix(f"{STATIC_URL}/")).resolve()
    if path.parent != CACHE_DIR.resolve():
        raise ValueError(f"not a published file: {url}")
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else pd.read_csv(path)


def _write_csv(key: str, frame: pd.DataFrame) -> str:
    return write_static(key, "csv", frame.to_csv(index=False, float_format="%.5f"))
