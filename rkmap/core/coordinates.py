"""Coordinates checked on the way out: nothing non-finite or off the globe reaches the map, an image or a file.

The loader checks what it reads (rkmap/data/user_data.py); this is the last line on
the output side, shared by the map (rkmap/render/deck.py), the image exports
(rkmap/render/image.py) and the data exports (via rkmap/render/view.py ``visible_items``).
A row whose coordinates are NaN, infinite, beyond ±180° longitude or ±90°
latitude (e.g. Web Mercator metres, or latitude and longitude swapped past 90°)
is left out, and :func:`coordinate_report` says how many and which.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from rkmap.core.memo import memo
from rkmap.core.messages import t

MAX_LON = 180.0
MAX_LAT = 90.0
MAX_SHOWN_IDS = 5  # ids a message names; the rest are counted


def valid_lonlat(lon: object, lat: object) -> bool:
    """True for a finite longitude within ±180° and latitude within ±90°."""
    try:
        x, y = float(lon), float(lat)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and math.isfinite(y) and -MAX_LON <= x <= MAX_LON and -MAX_LAT <= y <= MAX_LAT


def valid_line(line: object) -> bool:
    """True for a line (shapely geometry or sequence of points) of at least two points, every one valid."""
    coords = getattr(line, "coords", line)
    try:
        points = [tuple(p) for p in coords]  # type: ignore[union-attr]
    except TypeError:
        return False
    return len(points) >= 2 and all(len(p) >= 2 and valid_lonlat(p[0], p[1]) for p in points)


def _points_ok(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty or "lon" not in frame.columns or "lat" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    lon = pd.to_numeric(frame["lon"], errors="coerce").to_numpy(dtype=float)
    lat = pd.to_numeric(frame["lat"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        return np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= MAX_LON) & (np.abs(lat) <= MAX_LAT)


def _lines_ok(frame: pd.DataFrame) -> np.ndarray:
    if frame.empty or "line" not in frame.columns:
        return np.ones(len(frame), dtype=bool)
    return np.array([valid_line(line) for line in frame["line"]], dtype=bool)


@dataclass(frozen=True)
class CoordinateReport:
    """Rows left out for their coordinates: (layer, id) pairs, in data order."""

    dropped: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.dropped)

    def message(self, lang: str = "en") -> str:
        """One plain sentence for the analyst; empty when nothing was left out."""
        if not self.dropped:
            return ""
        ids = ", ".join(f"{layer} {ident}" for layer, ident in self.dropped[:MAX_SHOWN_IDS])
        more = len(self.dropped) - MAX_SHOWN_IDS
        rest = t("and_more", lang, more=more) if more > 0 else ""
        return t("invalid_coordinates", lang, count=len(self.dropped), ids=ids, rest=rest)


def _check(dataset: object) -> tuple[object, CoordinateReport]:
    masks = {
        "places": _points_ok(dataset.places),  # type: ignore[attr-defined]
        "events": _points_ok(dataset.events),  # type: ignore[attr-defined]
        "route_legs": _lines_ok(dataset.route_legs),  # type: ignore[attr-defined]
    }
    if all(mask.all() for mask in masks.values()):
        return dataset, CoordinateReport()
    layers = {"places": "place", "events": "event", "route_legs": "route"}
    dropped: list[tuple[str, str]] = []
    parts = {}
    for name, mask in masks.items():
        frame = getattr(dataset, name)
        if mask.all():
            continue
        dropped += [(layers[name], str(ident)) for ident in frame.loc[~mask, "id"]]
        kept = frame[mask]
        parts[name] = kept if name == "places" else kept.reset_index(drop=True)
    return replace(dataset, **parts), CoordinateReport(tuple(dropped))  # type: ignore[type-var]


def checked_coordinates(dataset: object) -> tuple[object, CoordinateReport]:
    """``dataset`` without the rows whose coordinates cannot be drawn, and what was left out (once per dataset)."""
    return memo(dataset, "checked-coordinates", lambda: _check(dataset))


def valid_coordinates(dataset: object):
    """``dataset`` without the rows whose coordinates cannot be drawn (the same object when all are fine)."""
    return checked_coordinates(dataset)[0]


def finite_json(value: object, **dumps_options: object) -> str:
    """``json.dumps`` that never writes NaN or Infinity (not JSON): any non-finite number becomes null."""
    import json

    try:
        return json.dumps(value, allow_nan=False, **dumps_options)  # type: ignore[arg-type]
    except ValueError:
        text = json.dumps(value, **dumps_options)  # type: ignore[arg-type]
        return json.dumps(json.loads(text, parse_constant=lambda _: None), allow_nan=False, **dumps_options)  # type: ignore[arg-type]
