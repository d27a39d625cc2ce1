"""The app server's label placements kept on disk between its starts.

Placing the app's labels is most of the work of a first map (at the shipped size about 0.3 of
the first deck's 0.55 s of CPU: six map sizes, eleven zoom levels each), and a server start
does it before the first visitor's map can be drawn. The answer depends on nothing but the
label scene (the labels, every symbol, the route lines), the map sizes and this package's
code, so a file named by a digest of all three gives the same placements on the next start.

Used only where the server turns it on (:func:`use`, rkmap/app/server_start.py): the command
line and the tests place their labels every time. Only placements of the data everyone sees
are kept (rkmap/render/deck.py asks for none with an analyst's rows in the scene), in a folder
outside the served ``static/``, bounded to :data:`MAX_FILES` files. A file that cannot be read
or written is ignored: the labels are placed as without it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import tempfile
from collections.abc import Iterable
from hashlib import sha256
from pathlib import Path

import numpy as np

# Enough for every frame, language and layer set of the shipped data several times over.
MAX_FILES = 128
_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_folder: Path | None = None


def use(folder: Path | None) -> None:
    """Keep placements in ``folder`` from now on (None: place them every time)."""
    global _folder
    _folder = folder


def folder() -> Path | None:
    return _folder


@functools.cache
def code_digest() -> str:
    """A digest of this package's core and render code: a change to the placer, the label sizes, the symbols'
    positions or any constant they use gives new file names, so a placement is never read back by other code."""
    digest = sha256()
    for path in sorted([*(_PACKAGE_DIR / "core").glob("*.py"), *(_PACKAGE_DIR / "render").glob("*.py")]):
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def scene_digest(parts: Iterable[object]) -> str:
    """A digest of the placer's inputs: JSON-able values and numpy arrays (by dtype, shape and bytes), in order."""
    digest = sha256(code_digest().encode())
    for part in parts:
        if isinstance(part, np.ndarray):
            array = np.ascontiguousarray(part)
            digest.update(f"array:{array.dtype.str}:{array.shape}".encode())
            digest.update(array.tobytes())
        else:
            digest.update(json.dumps(part, sort_keys=True, ensure_ascii=False, allow_nan=True).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:32]


def _path(key: str) -> Path | None:
    return None if _folder is None else _folder / f"label-sets-{key}.json"


def load(key: str) -> dict | None:
    """The placements stored under ``key``, or None (none kept, the store off, or a file that cannot be read)."""
    path = _path(key)
    if path is None:
        return None
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used now: pruned last
    return value if isinstance(value, dict) else None


def save(key: str, value: dict) -> None:
    """Keep ``value`` under ``key`` (written whole or not at all), then keep the folder within :data:`MAX_FILES`."""
    path = _path(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, suffix=".tmp", delete=False, encoding="utf-8") as handle:
            json.dump(value, handle, separators=(",", ":"))
        os.replace(handle.name, path)
        _prune(path.parent)
    except OSError:
        with contextlib.suppress(OSError, NameError):
            os.unlink(handle.name)


def _prune(folder: Path) -> None:
    entries = []
    for entry in os.scandir(folder):
        with contextlib.suppress(OSError):
            if entry.name.startswith("label-sets-"):
                entries.append((entry.stat().st_mtime, entry.path))
    for _, path in sorted(entries)[:-MAX_FILES]:
        with contextlib.suppress(OSError):
            os.unlink(path)
