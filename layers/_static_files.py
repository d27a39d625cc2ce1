"""Content-hashed files under ./static/cache, which Streamlit serves as static files.

Kept free of pandas and the data modules, which the page imports late (app.py).
"""

from __future__ import annotations

import os
import tempfile
from hashlib import sha256

from layers.basemap import STATIC_DIR, STATIC_URL

CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = f"{STATIC_URL}/cache"


def write_static(key: str, suffix: str, text: str) -> str:
    """URL of ``text`` as ``key-<hash>.suffix``: written once, never changed (so the browser may keep it)."""
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
