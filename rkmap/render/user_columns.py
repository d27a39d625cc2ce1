"""An analyst's many events as compact binary columns, for the map's columnar channel.

Above ``style.LARGE_EVENT_COUNT`` events a session's own rows do not travel in
the map's JSON (21 MB and 4.4 s to serialise at 100 k rows, sent again on
every rerun). The app serves them to that session only, once per upload
(rkmap/app/user_channel.py): positions, day numbers and colours as typed
arrays that deck.gl takes as binary attributes, so a slider step changes only
the filter, as it does for the shipped data's static files. Nothing here is
text: titles and tooltips are asked for one row at a time (:func:`row_pick`)
when the pointer is over a symbol, so user strings never reach deck.gl's JSON
converter.

Drawn as few instances (:func:`event_tiers`): software WebGL pays for every
instance of a layer at every frame, filtered out or not (100 k user rows as
single symbols: 1.7-5.9 s a slider step on the benchmark machine, against
≈ 0.2 s for the shipped data). Rows are grouped per pixel of a zoom level
(and claim status): all the rows in one pixel of zoom z look like one symbol
at any zoom up to z (they are less than a pixel apart there), and the group is
shown from its first row's day, as its rows would be (shown: opened by the
as-of day). The blob holds one such tier per zoom level until a tier would
save little, then the rows themselves; the browser draws the tier of the
first zoom at or above its own (rkmap/app/columnar.js), so what it draws
differs from the single rows by under a pixel.

The blob: a little-endian uint32 with the header's length, the header (JSON:
``length``, ``tiers`` and, per column, its ``type``, ``size`` and byte
``offset``), then the columns, each starting on an 8-byte boundary (a typed
array's alignment). ``tiers`` lists each tier's ``zoom`` (None: the single
rows), first instance and length; ``row`` is each instance's first row
(the one a click opens).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

from rkmap.core import style
from rkmap.core.projection import world_xy_array
from rkmap.data import Dataset
from rkmap.render import layer_parts
from rkmap.render._grouping import SPOT_KEYS, group_codes, merged_runs
from rkmap.render.layer_parts import Look
from rkmap.render.view import Clock, MapView, clock_columns

# The day columns every clock needs: the browser interleaves the clock's pair as the filter value
# (rkmap/render/view.py clock_columns), so a clock switch needs no new fetch.
DAY_COLUMNS = ("t_start", "t_end", "t_public")
ALIGN = 8
TILE_PX = 512  # deck.gl's world is 512 * 2**zoom pixels wide
MAX_ZOOM = 12  # the map's (rkmap/render/deck.py view_state_for)
# A tier that keeps more than this share of the instances of the single rows saves too little: the rows themselves follow.
TIER_SAVES = 0.5


def event_columns(events: pd.DataFrame, look: Look) -> dict[str, np.ndarray]:
    """Per row: ``position`` (lon, lat; float32: ~1 m, finer than the map's top zoom), the day numbers
    (float32, as DataFilterExtension holds them; exact for any day of the years the app takes) and the
    fill colour (RGBA; a contested event hollow, as the shipped large layer draws it)."""
    n = len(events)
    position = np.empty((n, 2), dtype=np.float32)
    position[:, 0] = events["lon"].to_numpy(dtype=np.float64)
    position[:, 1] = events["lat"].to_numpy(dtype=np.float64)
    colour = look.colour or style.USER_COLOUR
    fill = np.empty((n, 4), dtype=np.uint8)
    fill[:, :3] = colour
    fill[:, 3] = np.where(events["is_contested"].to_numpy(dtype=bool), 0, 235)
    columns: dict[str, np.ndarray] = {"position": position, "fill": fill}
    for name in DAY_COLUMNS:
        columns[name] = events[name].to_numpy(dtype=np.float32)
    return columns


def event_tiers(events: pd.DataFrame, look: Look) -> tuple[dict[str, np.ndarray], list[dict[str, int | None]]]:
    """The instances of :func:`event_columns` per zoom tier (see the module's docstring) and the tiers' layout."""
    rows = event_columns(events, look)
    n = len(events)
    rows["row"] = np.arange(n, dtype=np.int32)
    x, y = world_xy_array(events["lon"].to_numpy(dtype=np.float64), events["lat"].to_numpy(dtype=np.float64))
    hollow = rows["fill"][:, 3] == 0
    # One sort for every zoom: by claim status, then the Z-order of the rows' pixels at the top zoom, in which
    # a pixel of any lower zoom is one run (its pixel numbers are the top zoom's shifted right, _morton).
    key = (hollow.astype(np.uint64) << np.uint64(2 * _PIXEL_BITS + 2)) | _morton(x, y)
    order = np.argsort(key, kind="stable")
    key = key[order]
    # The first row of a group: the earliest by start (ties: data order), as the shipped groups (rkmap/render/_grouping.py).
    first_by = np.unique(rows["t_start"], return_inverse=True)[1].astype(np.int64)[order] * max(n, 1) + order
    days = {name: rows[name][order] for name in ("t_start", "t_public", "t_end")}
    parts: list[dict[str, np.ndarray]] = []
    tiers: list[dict[str, int | None]] = []
    start = 0
    for zoom in range(MAX_ZOOM + 1):
        prefix = _at_zoom(key, zoom)
        groups = np.flatnonzero(np.r_[True, prefix[1:] != prefix[:-1]]) if n else np.zeros(0, dtype=np.int64)
        if len(groups) > TIER_SAVES * n:
            break
        pick = np.minimum.reduceat(first_by, groups) % max(n, 1)
        tier = {name: column[pick] for name, column in rows.items()}
        for name, reduce in (("t_start", np.minimum), ("t_public", np.minimum), ("t_end", np.maximum)):
            tier[name] = reduce.reduceat(days[name], groups)
        parts.append(tier)
        tiers.append({"zoom": zoom, "start": start, "length": len(groups)})
        start += len(groups)
    parts.append(rows)
    tiers.append({"zoom": None, "start": start, "length": n})
    return {name: np.concatenate([part[name] for part in parts]) for name in rows}, tiers


_PIXEL_BITS = 9 + MAX_ZOOM + 1  # a pixel number at the top zoom, 0..512 * 2**MAX_ZOOM (its last value: the world's edge)


def _spread(v: np.ndarray) -> np.ndarray:
    """The bits of ``v`` (< 2**32) moved to the even positions."""
    v = v.astype(np.uint64)
    for shift, mask in ((16, 0x0000FFFF0000FFFF), (8, 0x00FF00FF00FF00FF), (4, 0x0F0F0F0F0F0F0F0F), (2, 0x3333333333333333), (1, 0x5555555555555555)):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def _morton(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The Z-order code of each point's pixel at the top zoom (world units in [0, 1]): x's bits odd, y's even.

    At zoom z the pixel number is the top zoom's shifted right by MAX_ZOOM - z (scaling by a power of two is
    exact, and floor commutes with it), so the code shifted right by twice that is the pixel at zoom z, and
    sorting by the code puts each pixel of every zoom in one run.
    """
    scale = TILE_PX * 2.0**MAX_ZOOM
    ix = np.floor(np.clip(x, 0.0, 1.0) * scale).astype(np.int64)
    iy = np.floor(np.clip(y, 0.0, 1.0) * scale).astype(np.int64)
    return (_spread(ix) << np.uint64(1)) | _spread(iy)


def _at_zoom(code: np.ndarray, zoom: int) -> np.ndarray:
    """:func:`_morton` codes (with any bits above them) made the pixel's at ``zoom``: one run per pixel in their sorted order."""
    return code >> np.uint64(2 * (MAX_ZOOM - zoom))


def halo_tiers(events: pd.DataFrame, clock: Clock, emphasis_days: int) -> tuple[dict[str, np.ndarray], list[dict[str, int | None]]]:
    """The 'happening now' halo of many events, per zoom tier as :func:`event_tiers`: ``position``, ``t_start``/``t_end`` and first ``row`` of each run.

    Within a pixel of a tier's zoom, the rows' [open, close] days under ``clock`` are merged
    into runs (rkmap/render/_grouping.py merged_runs), each current exactly when one of
    its rows is, as the shipped data's halo is merged per spot; the last tier merges per
    spot. The browser filters ``[t_start, t_end]`` with the emphasised as-of ranges.
    """
    opens, closes = clock_columns(clock)
    lon, lat = events["lon"].to_numpy(dtype=np.float64), events["lat"].to_numpy(dtype=np.float64)
    pixels = _morton(*world_xy_array(lon, lat))
    start, end = events[opens].to_numpy(dtype=np.float64), events[closes].to_numpy(dtype=np.float64)
    spots = group_codes(events, SPOT_KEYS)
    finest = merged_runs(spots, start, end, emphasis_days)
    parts: list[dict[str, np.ndarray]] = []
    tiers: list[dict[str, int | None]] = []

    def add(zoom: int | None, runs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        first, t_start, t_end = runs
        position = np.empty((len(first), 2), dtype=np.float32)
        position[:, 0], position[:, 1] = lon[first], lat[first]
        parts.append({"position": position, "t_start": t_start.astype(np.float32), "t_end": t_end.astype(np.float32), "row": first.astype(np.int32)})
        tiers.append({"zoom": zoom, "start": sum(t["length"] for t in tiers), "length": len(first)})

    # A finer pixel splits a coarser one's runs: the count only grows with the zoom.
    for zoom in range(MAX_ZOOM + 1):
        runs = merged_runs(_at_zoom(pixels, zoom).astype(np.int64), start, end, emphasis_days)
        if len(runs[0]) > TIER_SAVES * len(finest[0]):
            break
        add(zoom, runs)
    add(None, finest)
    names = ("position", "t_start", "t_end", "row")
    return {name: np.concatenate([part[name] for part in parts]) for name in names}, tiers


def pack(columns: dict[str, np.ndarray], tiers: list[dict[str, int | None]] | None = None) -> bytes:
    """The columns as one blob (see the module's docstring)."""
    lengths = {len(a) for a in columns.values()}
    if len(lengths) > 1:
        raise ValueError(f"columns of different lengths: {sorted(lengths)}")
    length = lengths.pop() if lengths else 0
    layout: dict[str, dict[str, object]] = {}
    offset = 0
    for name, array in columns.items():
        size = 1 if array.ndim == 1 else int(array.shape[1])
        layout[name] = {"type": array.dtype.name, "size": size, "offset": offset}
        offset += -(-array.nbytes // ALIGN) * ALIGN
    tiers = tiers if tiers is not None else [{"zoom": None, "start": 0, "length": length}]
    header = json.dumps({"length": length, "tiers": tiers, "columns": layout}, separators=(",", ":")).encode()
    header += b" " * (-(4 + len(header)) % ALIGN)  # the first column starts aligned too
    out = bytearray(len(header).to_bytes(4, "little") + header)
    for array in columns.values():
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        out += data + b"\0" * (-len(data) % ALIGN)
    return bytes(out)


def unpack(blob: bytes) -> tuple[dict[str, np.ndarray], list[dict[str, int | None]]]:
    """The columns and tiers of a blob of :func:`pack` (for tests; the browser reads it in rkmap/app/columnar.js)."""
    size = int.from_bytes(blob[:4], "little")
    header = json.loads(blob[4 : 4 + size])
    start = 4 + size
    out = {}
    for name, spec in header["columns"].items():
        count = header["length"] * spec["size"]
        array = np.frombuffer(blob, dtype=np.dtype(spec["type"]).newbyteorder("<"), count=count, offset=start + spec["offset"])
        out[name] = array.reshape(-1, spec["size"]) if spec["size"] > 1 else array
    return out, header["tiers"]


def row_pick(user: Dataset, index: int, lang: str, look: Look) -> dict[str, object] | None:
    """What hovering or clicking row ``index`` of the columns needs: its id (a click opens it) and its
    tooltip, the same text the small layer's records carry; None past the rows."""
    events = user.events
    if not 0 <= index < len(events):
        return None
    # The tooltip reads only the view's language: any date will do.
    record = layer_parts.event_records(events.iloc[[index]], MapView(as_of=date(2000, 1, 1), lang=lang), look)[0]  # type: ignore[arg-type]
    return {"id": str(record["id"]), "layer": "event", "tooltip": record["tooltip"]}
