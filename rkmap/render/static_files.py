"""Content-hashed files under ./static/cache, which Streamlit serves as static files.

Kept free of pandas and the data modules, which the page imports late (app.py).

Only the shipped data's layers are written here (anyone can fetch them): a
session's own rows travel inline with its page (rkmap/render/user_deck.py,
rkmap/app/timeline.py) or from memory to that session only (rkmap/app/user_channel.py). The folder is bounded: past ``MAP_STATIC_CACHE_MB`` (default
256 MB) the files used longest ago are removed, and a published URL whose file
was removed is written again when next asked for (rkmap/render/static_data.py).
"""

from __future__ import annotations

import os
import tempfile
import threading
from hashlib import sha256
from pathlib import Path

from rkmap.render.basemap import STATIC_DIR, STATIC_URL

CACHE_DIR = STATIC_DIR / "cache"
CACHE_URL = f"{STATIC_URL}/cache"
CACHE_LIMIT_ENV = "MAP_STATIC_CACHE_MB"
DEFAULT_CACHE_MB = 256
_prune_lock = threading.Lock()


def cache_limit_bytes() -> int:
    try:
        megabytes = float(os.environ.get(CACHE_LIMIT_ENV, DEFAULT_CACHE_MB))
    except ValueError:
        megabytes = DEFAULT_CACHE_MB
    return max(0, int(megabytes * 1024 * 1024))


def static_name(key: str, suffix: str, text: str) -> str:
    return f"{key}-{sha256(text.encode()).hexdigest()[:16]}.{suffix}"


def cache_path(url: str) -> Path:
    """The file behind a URL of :func:`write_static`."""
    return CACHE_DIR / url.removeprefix(f"{CACHE_URL}/")


def write_static(key: str, suffix: str, text: str) -> str:
    """URL of ``text`` as ``key-<hash>.suffix``: written once, never changed (so the browser may keep it)."""
    name = static_name(key, suffix, text)
    path = CACHE_DIR / name
    if not path.exists():
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a concurrent reader never sees half a file.
        with tempfile.NamedTemporaryFile("w", dir=CACHE_DIR, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
        prune_cache(keep=path)
    return f"{CACHE_URL}/{name}"


# Files earlier versions wrote with a session's own events in them (issue #26); now only the shipped data's.
SESSION_LEFTOVERS = ("timeline-marks-", "timeline-counts-")
LEFTOVER_AGE_S = 24 * 3600


def clean_cache_at_start() -> int:
    """As the server starts: remove timeline files older than a day (earlier versions wrote uploads' events into
    them; the current ones are written again when asked), then keep the folder within its bound. The bytes removed."""
    import time

    removed = 0
    cutoff = time.time() - LEFTOVER_AGE_S
    try:
        entries = list(os.scandir(CACHE_DIR))
    except FileNotFoundError:
        return 0
    for entry in entries:
        try:
            if entry.name.startswith(SESSION_LEFTOVERS) and entry.is_file() and entry.stat().st_mtime < cutoff:
                size = entry.stat().st_size
                os.unlink(entry.path)
                removed += size
        except FileNotFoundError:
            continue
    return removed + prune_cache()


def prune_cache(limit: int | None = None, keep: Path | None = None) -> int:
    """Remove the files written or used longest ago until the folder is within ``limit`` bytes; the bytes removed."""
    limit = cache_limit_bytes() if limit is None else limit
    with _prune_lock:
        try:
            entries = [(entry.stat(), Path(entry.path)) for entry in os.scandir(CACHE_DIR) if entry.is_file()]
        except FileNotFoundError:
            return 0
        total = sum(stat.st_size for stat, _ in entries)
        removed = 0
        for stat, path in sorted(entries, key=lambda e: max(e[0].st_mtime, e[0].st_atime)):
            if total - removed <= limit:
                break
            if keep is not None and path == keep:
                continue
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            removed += stat.st_size
        return removed
