"""Layer data as static files: written once, fetched once by the browser.

Streamlit re-sends inline layer data on every rerun; a URL is a short string,
so deck.gl keeps the loaded data and a slider move only changes the filter.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from hashlib import sha256
from pathlib import Path

import pandas as pd

from geodata._memo import memo
from layers.basemap import STATIC_DIR, STATIC_URL

CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = f"{STATIC_URL}/cache"

def publish_csv(owner: object, key: str, build: Callable[[], pd.DataFrame]) -> str:
    """URL of a CSV built once per ``owner`` object and ``key``; content-hashed file name."""
    return memo(owner, f"csv:{key}", lambda: _write_csv(key, build()))


def publish_json(owner: object, key: str, build: Callable[[], object]) -> str:
    """URL of a JSON file built once per ``owner`` object and ``key``; content-hashed name."""
    return memo(owner, f"json:{key}", lambda: _write(key, "json", json.dumps(build(), ensure_ascii=False, separators=(",", ":"))))


def publish_copy(source: Path, stem: str) -> str:
    """URL of a copy of ``source`` (a file shipped by a package), content-hashed like the rest."""
    return memo(publish_copy, f"copy:{source}", lambda: _write(stem, source.suffix.lstrip("."), source.read_text(encoding="utf-8")))


def read_published(url: str) -> object:
    """The records behind a published URL (for tests and exports)."""
    path = (STATIC_DIR / url.removeprefix(f"{STATIC_URL}/")).resolve()
    if path.parent != CACHE_DIR.resolve():
        raise ValueError(f"not a published file: {url}")
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else pd.read_csv(path)


def _write_csv(key: str, frame: pd.DataFrame) -> str:
    return _write(key, "csv", frame.to_csv(index=False, float_format="%.5f"))


def _write(key: str, suffix: str, text: str) -> str:
    name = f"{key}-{sha256(text.encode()).hexdigest()[:16]}.{suffix}"
    path = CACHE_DIR / name
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile("w", dir=CACHE_DIR, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    return f"{CACHE_URL}/{name}"
