"""What the map shows for a view: the as-of date, clock, layers, language and region.

Pure functions over the dataset. The browser filters the same data on the GPU
with :func:`filter_ranges`; the exports use :func:`visible_items`; a test keeps
the two in agreement.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

import numpy as np
import pandas as pd

from rkmap.core.coordinates import valid_coordinates
from rkmap.core.dates import day_number
from rkmap.core.frames import REGIONS, Region
from rkmap.core.messages import t
from rkmap.core.projection import MAX_LAT
from rkmap.data import Dataset
from rkmap.data.window import data_span
from rkmap.render.primitives import OPEN_HIGH, OPEN_LOW

Clock = Literal["event", "public"]
LAYERS = ("places", "route", "events")
DEFAULT_LAYERS = frozenset(LAYERS)
DEFAULT_EMPHASIS_DAYS = 30
EMPHASIS_CHOICES = (7, 30, 90, 365)  # the app's choices of "happening now" (days after an event ends)


# The analyst's own data get a frame of their own, offered only while a session
# (or the command line) has such data: not in REGIONS, whose frames are fixed.
USER_REGION = "user"
USER_PAD_SHARE = 0.1  # of the data's extent, on each side
USER_MIN_SPAN_DEG = 1.0  # the smallest box (a single point gets this much around it)


def user_region(dataset: Dataset) -> Region | None:
    """The frame that fits the user's rows (points, lines, areas), padded and kept in Web Mercator's range; None without user rows."""
    from rkmap.core.memo import memo  # imported here: light, but keeps this module's imports as they were

    return memo(dataset, "user-region", lambda: _user_region(dataset))


def _user_region(dataset: Dataset) -> Region | None:
    from rkmap.data.user_data import user_parts

    user = user_parts(valid_coordinates(dataset))[1]
    if user is None:
        return None
    lons: list[np.ndarray] = []
    lats: list[np.ndarray] = []
    places = user.places[user.places["on_map"] != "no"] if "on_map" in user.places.columns else user.places
    for frame in (places, user.events):
        if len(frame):
            lon, lat = frame["lon"].to_numpy(dtype=float), frame["lat"].to_numpy(dtype=float)
            # An area reaches its radius around its point (a degree of latitude is about 111 km).
            radius = pd.to_numeric(frame.get("radius_km", pd.Series(0.0, index=frame.index)), errors="coerce").fillna(0.0).to_numpy(dtype=float)
            reach = np.where(frame["is_area"].to_numpy(dtype=bool), radius / 111.0, 0.0) if "is_area" in frame.columns else 0.0
            lons += [lon - reach, lon + reach]
            lats += [lat - reach, lat + reach]
    # Lines, and the analyst's own polygons (which reach beyond their rows' points), by their extent.
    shapes = [*(user.route_legs["line"] if len(user.route_legs) else ()),
              *(g for frame in (places, user.events) if "outline" in frame.columns for g in frame["outline"] if getattr(g, "geom_type", "") in ("Polygon", "MultiPolygon"))]
    for shape in shapes:
        west, south, east, north = shape.bounds
        lons.append(np.array([west, east]))
        lats.append(np.array([south, north]))
    xs, ys = np.concatenate(lons) if lons else np.array([]), np.concatenate(lats) if lats else np.array([])
    keep = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[keep], ys[keep]
    if not len(xs):
        return None
    west, east, south, north = float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max())
    pad_x = max((east - west) * USER_PAD_SHARE, (USER_MIN_SPAN_DEG - (east - west)) / 2)
    pad_y = max((north - south) * USER_PAD_SHARE, (USER_MIN_SPAN_DEG - (north - south)) / 2)
    west, east = max(west - pad_x, -180.0), min(east + pad_x, 180.0)
    south, north = max(south - pad_y, -MAX_LAT), min(north + pad_y, MAX_LAT)
    if north - south < USER_MIN_SPAN_DEG:  # data hard against the range's edge: grow inwards
        south, north = (north - USER_MIN_SPAN_DEG, north) if north >= MAX_LAT else (south, south + USER_MIN_SPAN_DEG)
    if east - west < USER_MIN_SPAN_DEG:
        west, east = (east - USER_MIN_SPAN_DEG, east) if east >= 180.0 else (west, west + USER_MIN_SPAN_DEG)
    return Region(USER_REGION, west, south, east, north)


def region_of(key: str, dataset: Dataset | None = None) -> Region:
    """A frame by key: a fixed one, or the user's data frame (``dataset`` needed); anything else, or 'user' without user data, is the whole route."""
    if key in REGIONS:
        return REGIONS[key]
    if key == USER_REGION and dataset is not None:
        region = user_region(dataset)
        if region is not None:
            return region
    return REGIONS["route"]


def region_box(key: str, dataset: Dataset | None = None) -> tuple[float, float, float, float]:
    """A frame's (west, south, east, north) in degrees."""
    region = region_of(key, dataset)
    return (region.west, region.south, region.east, region.north)


@dataclass(frozen=True)
class MapView:
    as_of: date
    clock: Clock = "event"
    layers: frozenset[str] = field(default=DEFAULT_LAYERS)
    lang: Literal["en", "ja"] = "en"
    emphasis_days: int = DEFAULT_EMPHASIS_DAYS
    region: str = "route"

    def with_(self, **changes: object) -> MapView:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def as_of_day(self) -> int:
        return day_number(self.as_of)


def layer_names(view: MapView) -> str:
    """The view's layers in words, in their order, as a list in running text ('–' for none): 'Places, 2023 arms-transfer route, Events'."""
    lang = view.lang
    return t("list_separator", lang).join(t(f"layer_{name}", lang) for name in LAYERS if name in view.layers) or "–"


@dataclass(frozen=True)
class VisibleItems:
    """The rows the map draws for a view, each with ``state`` 'past' or 'current'."""

    places: pd.DataFrame
    route_legs: pd.DataFrame
    events: pd.DataFrame


def clock_columns(clock: Clock) -> tuple[str, str]:
    """Day-number columns that open and close an item's time on the map for a clock."""
    return ("t_start", "t_end") if clock == "event" else ("t_public", "t_public")


# A filter bound the browser fills in: the as-of day plus an offset. The map
# sends these templates with each layer, so a slider step redraws in the browser.
AsOfBound = dict[str, int]
RangeTemplate = list[list[int | AsOfBound]]


def as_of(offset: int = 0) -> AsOfBound:
    return {"asOf": offset}


def range_template(view: MapView, emphasised: bool = False) -> RangeTemplate:
    """GPU filter ranges for the two filter values (opening day, closing day), as-of day left open.

    Shown: opened by the as-of date. Emphasised layers add: not closed more
    than ``emphasis_days`` before it.
    """
    if emphasised:
        return [[OPEN_LOW, as_of()], [as_of(-view.emphasis_days), OPEN_HIGH]]
    return [[OPEN_LOW, as_of()], [OPEN_LOW, OPEN_HIGH]]


def resolve_ranges(template: RangeTemplate, day: int) -> list[list[int]]:
    """The ranges of ``template`` on ``day`` (rkmap/app/deck_map.js does the same in the browser)."""
    return [[bound if isinstance(bound, int) else day + bound["asOf"] for bound in pair] for pair in template]


def filter_ranges(view: MapView, emphasised: bool = False) -> list[list[int]]:
    """The ranges at the view's own as-of day."""
    return resolve_ranges(range_template(view, emphasised), view.as_of_day)


def item_states(frame: pd.DataFrame, view: MapView) -> pd.Series:
    """'hidden', 'past' or 'current' for each row, as the GPU filters compute it."""
    opens, closes = clock_columns(view.clock)
    if frame.empty:
        return pd.Series([], dtype=object, index=frame.index)
    shown = frame[opens].to_numpy() <= view.as_of_day
    current = shown & (frame[closes].to_numpy() >= view.as_of_day - view.emphasis_days)
    return pd.Series(np.where(current, "current", np.where(shown, "past", "hidden")), index=frame.index, dtype=object)


@dataclass(frozen=True)
class ShownRows:
    """A table's rows the map draws, as positions in the table: no copy of it (a million events copied is 300 MB)."""

    frame: pd.DataFrame  # the whole table (of drawable coordinates)
    positions: np.ndarray  # of the shown rows, in the table's order
    states: np.ndarray | None  # 'past' or 'current' per shown row; None for places and for a layer switched off

    def __len__(self) -> int:
        return len(self.positions)

    def rows(self, which: np.ndarray | slice = slice(None)) -> pd.DataFrame:
        """The shown rows ``which`` (positions among the shown rows) as :func:`visible_items` has them."""
        out = self.frame.iloc[self.positions[which]].reset_index(drop=True)
        return out if self.states is None else out.assign(state=pd.Series(self.states[which], dtype=object))


@dataclass(frozen=True)
class ShownItems:
    places: ShownRows
    route_legs: ShownRows
    events: ShownRows


def shown_rows(dataset: Dataset, view: MapView) -> ShownItems:
    """:func:`visible_items` as :class:`ShownRows`: what an export reads a chunk at a time."""
    dataset = valid_coordinates(dataset)
    none = np.zeros(0, dtype=np.int64)
    places = ShownRows(dataset.places, np.flatnonzero(_on_map(dataset.places)) if "places" in view.layers else none, None)
    legs, events = (_with_state(frame, view) if layer in view.layers else ShownRows(frame, none, None) for layer, frame in (("route", dataset.route_legs), ("events", dataset.events)))
    return ShownItems(places=places, route_legs=legs, events=events)


def visible_items(dataset: Dataset, view: MapView) -> VisibleItems:
    """The places, legs and events the map shows for ``view``: never a row whose coordinates cannot be drawn."""
    shown = shown_rows(dataset, view)
    return VisibleItems(places=shown.places.rows(), route_legs=shown.route_legs.rows(), events=shown.events.rows())


def _on_map(places: pd.DataFrame) -> pd.Series:
    """Places drawn as places: not areas, nor places that only locate events (on_map 'no')."""
    return ~places["is_area"] & (places["on_map"] != "no")


def _shown_count(frame: pd.DataFrame, view: MapView) -> int:
    """Rows not 'hidden' in :func:`item_states`, counted without building the state labels."""
    if frame.empty:
        return 0
    opens, _ = clock_columns(view.clock)
    return int((frame[opens].to_numpy() <= view.as_of_day).sum())


def shown_counts(dataset: Dataset, view: MapView) -> tuple[int, int]:
    """How many events and route legs the map shows: cheap at a million events."""
    dataset = valid_coordinates(dataset)
    events = _shown_count(dataset.events, view) if "events" in view.layers else 0
    legs = _shown_count(dataset.route_legs, view) if "route" in view.layers else 0
    return events, legs


def _with_state(frame: pd.DataFrame, view: MapView) -> ShownRows:
    states = item_states(frame, view).to_numpy()
    positions = np.flatnonzero(states != "hidden")
    return ShownRows(frame, positions, states[positions])


def date_span(dataset: Dataset) -> tuple[date, date]:
    """First and last date the slider needs: every event, leg and disclosure."""
    return data_span(dataset)


def localized(row: pd.Series | dict, stem: str, lang: str) -> str:
    """The ``stem_en`` / ``stem_ja`` text of a row, falling back to English."""
    value = row.get(f"{stem}_{lang}") if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and value != value) or value == "":
        value = row.get(f"{stem}_en", "")
    return "" if value is None else str(value)


def leg_parts(leg: pd.Series | dict) -> tuple[list[tuple[float, float]], list[tuple[float, float]]]:
    """A leg's line split into its schematic head (maybe empty) and its surveyed part."""
    coords = [(round(x, 5), round(y, 5)) for x, y in leg["line"].coords]
    head = int(leg.get("schematic_head_vertices", 0) or 0)
    if head < 2:
        return [], coords
    return coords[:head], coords[head - 1 :]
