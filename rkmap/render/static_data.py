"""Layer data as static files: written once, fetched once by the browser.

Streamlit re-sends inline layer data on every rerun; a URL is a short string,
so deck.gl keeps the loaded data and a slider move only changes the filter.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

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
    path = _published_path(url)
    if path is None:
        raise ValueError(f"not a published file: {url}")
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else pd.read_csv(path)


def published_json_text(url: object, max_bytes: int) -> str | None:
    """The text of a published JSON file of at most ``max_bytes``; None for anything else (or a removed file)."""
    try:
        path = _published_path(url) if isinstance(url, str) and url.endswith(".json") else None
        if path is None or path.stat().st_size > max_bytes:
            return None
        return path.read_text(encoding="utf-8")
    except (OSError, ValueError):  # ValueError: a NUL byte in the name
        return None


def _published_path(url: str) -> Path | None:
    """The file behind a URL of this module's, or None if the URL names anything else."""
    path = (STATIC_DIR / url.removeprefix(f"{STATIC_URL}/")).resolve()
    return path if path.parent == CACHE_DIR.resolve() else None


def _write_csv(key: str, frame: pd.DataFrame) -> str:
    return write_static(key, "csv", frame.to_csv(index=False, float_format="%.5f"))
