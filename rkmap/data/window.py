"""What a view needs of the data: events up to a date, optionally inside a lon/lat box.

Both backends fetch the same slice: the database with an indexed query
(``rkmap/data/postgis.py``), the files by reading everything and applying
:func:`sliced` afterwards. A test keeps the two equal.

- ``until``: the events whose start is on or before that date. Either clock
  of the map could show them at that date: the event clock shows an event
  from its start, the public clock from its disclosure, which is never before
  its start (the loader refuses a disclosure before the start). Route legs,
  places, sources and disagreements are small and always fetched whole.
- ``bbox`` (west, south, east, north in WGS84 degrees): the events whose place
  lies in the box, edges included, plus every event at an area place (a
  country or region, :data:`~rkmap.core.schema.AREA_KINDS`), which stands for a
  whole area and is drawn as one.
- Citations: those of the items fetched (every place, leg and fetched event).

:func:`data_span` is the first and last date of the whole data (every event
and leg, their ends and disclosures), whatever was fetched: the range of the
as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from math import isfinite

import numpy as np
import pandas as pd

from rkmap.core.dates import CONTEXT_FIRST, day_number, from_day_number
from rkmap.data.loading import Dataset

# The span of a dataset without events or legs.
EMPTY_SPAN_START = date(2000, 1, 1)
# The as-of dates a view may ask for: any day of these years, inside the data's span or not
# ("as of today" after the last event is a normal question). Outside them a date is a typo.
AS_OF_FIRST, AS_OF_LAST = date(1900, 1, 1), date(2100, 12, 31)


def as_of_allowed(day: date) -> bool:
    """Whether ``day`` can be an as-of date (:data:`AS_OF_FIRST` – :data:`AS_OF_LAST`)."""
    return AS_OF_FIRST <= day <= AS_OF_LAST


@dataclass(frozen=True)
class BBox:
    """A lon/lat envelope in WGS84 degrees, edges included (no antimeridian crossing)."""

    west: float
    south: float
    east: float
    north: float

    def __post_init__(self) -> None:
        values = (self.west, self.south, self.east, self.north)
        if not all(isinstance(v, (int, float)) and isfinite(v) for v in values):
            raise ValueError(f"bbox {values} must be four finite numbers (west, south, east, north)")
        if not (-180 <= self.west <= self.east <= 180 and -90 <= self.south <= self.north <= 90):
            raise ValueError(f"bbox {values} must have -180 <= west <= east <= 180 and -90 <= south <= north <= 90")


def sliced(dataset: Dataset, until: date | None = None, bbox: BBox | None = None) -> Dataset:
    """The part of ``dataset`` a view of dates up to ``until`` inside ``bbox`` needs (the rules above)."""
    if until is None and bbox is None:
        return dataset
    events = dataset.events
    keep = np.ones(len(events), dtype=bool)
    if until is not None:
        keep &= events["t_start"].to_numpy() <= day_number(until)
    if bbox is not None:
        lon, lat = events["lon"].to_numpy(dtype=float), events["lat"].to_numpy(dtype=float)
        inside = (lon >= bbox.west) & (lon <= bbox.east) & (lat >= bbox.south) & (lat <= bbox.north)
        keep &= inside | events["is_area"].to_numpy(dtype=bool)
    if keep.all():
        return dataset
    kept = events[keep].reset_index(drop=True)
    items = dataset.citations["item"].astype(object)
    is_event = items.str.startswith("event:")
    citations = dataset.citations[~is_event | items.str.slice(6).isin(set(kept["id"]))].reset_index(drop=True)
    return replace(dataset, events=kept, citations=citations)


def data_span(dataset: Dataset) -> tuple[date, date]:
    """First and last date of ``dataset``: every event's and leg's start, end and disclosure."""
    legs = dataset.route_legs
    if not legs.empty:  # undated lines (context, shown at every date) do not stretch the span
        legs = legs[legs["t_start"].to_numpy() != day_number(CONTEXT_FIRST)]
    frames = [f for f in (dataset.events, legs) if not f.empty]
    if not frames:
        return span_of(None, None)
    first = min(int(f["t_start"].min()) for f in frames)
    last = max(int(f[c].max()) for f in frames for c in ("t_end", "t_public"))
    return span_of(first, last)


def span_of(first_day: int | None, last_day: int | None) -> tuple[date, date]:
    """A span from day numbers (``None``: no events nor legs)."""
    if first_day is None or last_day is None or pd.isna(first_day) or pd.isna(last_day):
        return EMPTY_SPAN_START, date.today()
    return from_day_number(int(first_day)), from_day_number(int(last_day))
