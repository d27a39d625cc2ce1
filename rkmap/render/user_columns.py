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

The blob: a little-endian uint32 with the header's length, the header (JSON:
``length`` and, per column, its ``type``, ``size`` and byte ``offset``), then
the columns, each starting on an 8-byte boundary (a typed array's alignment).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd

from rkmap.core import style
from rkmap.data import Dataset
from rkmap.render import layer_parts
from rkmap.render.layer_parts import Look
from rkmap.render.view import MapView

# The day columns every clock needs: the browser interleaves the clock's pair as the filter value
# (rkmap/render/view.py clock_columns), so a clock switch needs no new fetch.
DAY_COLUMNS = ("t_start", "t_end", "t_public")
ALIGN = 8


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


def pack(columns: dict[str, np.ndarray]) -> bytes:
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
    header = json.dumps({"length": length, "columns": layout}, separators=(",", ":")).encode()
    header += b" " * (-(4 + len(header)) % ALIGN)  # the first column starts aligned too
    out = bytearray(len(header).to_bytes(4, "little") + header)
    for array in columns.values():
        data = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        out += data + b"\0" * (-len(data) % ALIGN)
    return bytes(out)


def unpack(blob: bytes) -> dict[str, np.ndarray]:
    """The columns of a blob of :func:`pack` (for tests and the benchmark; the browser reads it in rkmap/app/columnar.js)."""
    size = int.from_bytes(blob[:4], "little")
    header = json.loads(blob[4 : 4 + size])
    start = 4 + size
    out = {}
    for name, spec in header["columns"].items():
        count = header["length"] * spec["size"]
        array = np.frombuffer(blob, dtype=np.dtype(spec["type"]).newbyteorder("<"), count=count, offset=start + spec["offset"])
        out[name] = array.reshape(-1, spec["size"]) if spec["size"] > 1 else array
    return out


def row_pick(user: Dataset, index: int, lang: str, look: Look) -> dict[str, object] | None:
    """What hovering or clicking row ``index`` of the columns needs: its id (a click opens it) and its
    tooltip, the same text the small layer's records carry; None past the rows."""
    events = user.events
    if not 0 <= index < len(events):
        return None
    # The tooltip reads only the view's language: any date will do.
    record = layer_parts.event_records(events.iloc[[index]], MapView(as_of=date(2000, 1, 1), lang=lang), look)[0]  # type: ignore[arg-type]
    return {"id": str(record["id"]), "layer": "event", "tooltip": record["tooltip"]}
