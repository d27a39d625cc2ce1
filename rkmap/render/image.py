"""Briefing-grade static exports of the map view: PNG, PDF and SVG.

``render(dataset, view, options) -> bytes`` draws the current view with
matplotlib (Agg, no pyplot, no browser): the same visible items as the map
(``rkmap.render.view.visible_items``), the same colours, symbols and legend entries
(``rkmap.core.style``), in Web Mercator like the interactive map, plus a title,
the as-of date, a legend, a scale bar, a north arrow, the numbered sources of
the features in the frame, the data credits and an optional banner.

Deterministic: fixed sizes, dpi, fonts and rc parameters, and no dates in the
file metadata, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Circle, FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Affine2D, ScaledTranslation
from shapely.geometry import LineString, shape
from shapely.geometry import box as shapely_box
from shapely.geometry.polygon import orient

from rkmap.core import messages, style
from rkmap.core.coordinates import valid_coordinates
from rkmap.core.messages import t
from rkmap.core.projection import inverse_mercator, mercator
from rkmap.core.style import LegendEntry
from rkmap.core.text import data_end_note, format_date
from rkmap.data import Dataset
from rkmap.data.window import data_span
from rkmap.render import _agg_text, _mpl
from rkmap.render._mpl import PX, rgba
from rkmap.render.arrows import arrows_along
from rkmap.render.basemap import STATIC_DIR, WORLD_BOUNDS, land_polygons
from rkmap.render.layer_parts import slot_offsets
from rkmap.render.sources import SourceRef, source_ref
from rkmap.render.view import REGIONS, USER_REGION, MapView, Region, VisibleItems, layer_names, leg_parts, localized, region_of, visible_items

BASEMAP_DIR = STATIC_DIR / "basemap"
FORMATS = ("png", "pdf", "svg")
MAX_TITLE = 120
MAX_SUBTITLE = 200
MAX_BANNER = 80
INK = (0.10, 0.12, 0.16)
MUTED = (0.33, 0.36, 0.40)
BANNER_FILL = (0.17, 0.19, 0.22)


class ExportOptionError(ValueError):
    """An export option that cannot be honoured; the message names it."""


@dataclass(frozen=True)
class Preset:
    key: str
    width_px: int
    height_px: int
    dpi: int = 300

    @property
    def inches(self) -> tuple[float, float]:
        # A hair over the exact size: Agg truncates the pixel size to an integer.
        return (self.width_px + 0.25) / self.dpi, (self.height_px + 0.25) / self.dpi


PRESETS: dict[str, Preset] = {
    "slide": Preset("slide", 3840, 2160),  # 16:9, 12.8 × 7.2 in
    "a4": Preset("a4", 3508, 2480),  # A4 landscape at 300 dpi (297 × 210 mm, 842 × 595 pt)
}


@dataclass(frozen=True)
class ExportOptions:
    size: str = "slide"
    fmt: str = "png"
    title: str | None = None  # None: the default title
    subtitle: str | None = None  # None: the default subtitle
    banner: str = ""  # caveat / classification line, top and bottom
    dpi: int | None = None  # None: the preset's; lower for previews and tests

    def validated(self) -> ExportOptions:
        if self.size not in PRESETS:
            raise ExportOptionError(f"size must be one of {', '.join(PRESETS)} (got '{self.size}')")
        if self.fmt not in FORMATS:
            raise ExportOptionError(f"format must be one of {', '.join(FORMATS)} (got '{self.fmt}')")
        if self.dpi is not None and not 20 <= self.dpi <= 600:
            raise ExportOptionError(f"dpi must be between 20 and 600 (got {self.dpi})")
        for name, value, limit in (("title", self.title, MAX_TITLE), ("subtitle", self.subtitle, MAX_SUBTITLE), ("banner", self.banner, MAX_BANNER)):
            if value is not None and len(_one_line(value)) > limit:
                raise ExportOptionError(f"{name} is {len(_one_line(value))} characters long; at most {limit} fit")
        return self

    @property
    def preset(self) -> Preset:
        return PRESETS[self.size]

    @property
    def dpi_used(self) -> int:
        return self.dpi or self.preset.dpi


def _one_line(text: str) -> str:
    """User or data text as one plain line: control characters and line breaks become spaces."""
    return " ".join("".join(c if c.isprintable() else " " for c in str(text)).split())


# --------------------------------------------------------------------------- contents
@dataclass(frozen=True)
class Frame:
    """The map's extent in Web Mercator metres and its lon/lat box."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def lonlat(self) -> tuple[float, float, float, float]:
        w, s = inverse_mercator(self.x0, self.y0)
        e, n = inverse_mercator(self.x1, self.y1)
        return w, s, e, n

    @property
    def centre_lat(self) -> float:
        return inverse_mercator(0.0, (self.y0 + self.y1) / 2)[1]

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        return self.x0 - margin <= x <= self.x1 + margin and self.y0 - margin <= y <= self.y1 + margin


SourceLine = SourceRef  # the numbered source of an image's list


@dataclass(frozen=True)
class Pin:
    """A layout decided once for every frame of an animation or deck, so that nothing jumps.

    The source list's height, the legend and the inset's place are those of the
    frame with the most content (the last date), for all frames.
    """

    n_sources: int
    legend: tuple[LegendEntry, ...]
    inset: tuple[float, float, float, float] | None  # x, y, w, h (inches), None: no inset


@dataclass
class Contents:
    """What an export shows: items in the frame, legend entries, sources, credits."""

    items: VisibleItems
    legend: list[LegendEntry]
    sources: list[SourceLine]
    credits: str
    in_focus: list[str] = field(default_factory=list)
    notes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # place id -> numbers of its sources in the list


@cache
def basemap_bounds() -> tuple[float, float, float, float]:
    """The lon/lat box the offline land polygons cover: frames stay inside it."""
    meta = json.loads((BASEMAP_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    w, s, e, n = meta["files"]["land.geojson"]["bbox_lonlat"]
    return float(w), float(s), float(e), float(n)


def credit_line(lang: str) -> str:
    """The map data's credits in the export's language, from the catalogue (a Japanese image once printed them in English)."""
    return t("export_map_credits", lang)




@cache
def _world_image() -> np.ndarray:
    """The whole-Earth Web Mercator raster the interactive map shows under its detailed ones."""
    import matplotlib.image as mpimg

    from rkmap.render.basemap import RASTERS

    return mpimg.imread(STATIC_DIR / RASTERS["world"].file)


def fit_frame(region_key: str | Region, aspect: float) -> tuple[Frame, float]:
    """The region's box grown to ``aspect`` (width/height), kept inside the basemap.

    Returns the frame and the aspect it has: where the basemap is too small to
    grow the box that far, the map is letterboxed instead of showing empty sea.
    A fixed frame stays inside the detailed vector basemap; the user's data frame
    (a :class:`Region` given as such) may be anywhere on Earth, drawn over the world raster.
    """
    region = REGIONS[region_key] if isinstance(region_key, str) else region_key
    bounds = basemap_bounds() if region.key in REGIONS else WORLD_BOUNDS
    (x0, x1), (y0, y1) = (np.asarray(v) for v in mercator([region.west, region.east], [region.south, region.north]))
    (bx0, bx1), (by0, by1) = (np.asarray(v) for v in mercator(*np.array(bounds).reshape(2, 2).T))
    # A small margin so symbols on the region's edge are not cut.
    pad = 0.03 * max(x1 - x0, y1 - y0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    width, height = x1 - x0, y1 - y0
    if width / height < aspect:
        width = min(height * aspect, bx1 - bx0)
    else:
        height = min(width / aspect, by1 - by0)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    cx = min(max(cx, bx0 + width / 2), bx1 - width / 2)
    cy = min(max(cy, by0 + height / 2), by1 - height / 2)
    frame = Frame(float(cx - width / 2), float(cy - height / 2), float(cx + width / 2), float(cy + height / 2))
    return frame, float(width / height)


def _in_frame(items: VisibleItems, frame: Frame) -> VisibleItems:
    """Only the items that appear inside the frame."""
    places = items.places
    if not places.empty:
        px, py = mercator(places["lon"].to_numpy(), places["lat"].to_numpy())
        places = places[[frame.contains(x, y) for x, y in zip(px, py)]]
    legs = items.route_legs
    if not legs.empty:
        w, s, e, n = frame.lonlat
        box = shapely_box(w, s, e, n)
        legs = legs[[line.intersects(box) for line in legs["line"]]]
    events = items.events
    if not events.empty:
        ex, ey = mercator(events["lon"].to_numpy(dtype=float), events["lat"].to_numpy(dtype=float))
        radius_km = pd.to_numeric(events["radius_km"], errors="coerce").fillna(0.0).to_numpy(dtype=float)
        is_area = events["is_area"].to_numpy(dtype=bool)
        radius = np.where(is_area, radius_km * 1000 / np.cos(np.radians(events["lat"].to_numpy(dtype=float))), 0.0)
        margin = radius * 0.7
        keep = (ex >= frame.x0 - margin) & (ex <= frame.x1 + margin) & (ey >= frame.y0 - margin) & (ey <= frame.y1 + margin)
        if is_area.any():
            # An area with an outline is in the frame when its outline is, wherever its usual point lies
            # (Russia's, 100°E 60°N, is outside the Far East frame; Russia itself is not).
            keep[is_area] = _areas_meet(events[is_area], frame) | keep[is_area]
        events = events[keep]
    return VisibleItems(places=places.reset_index(drop=True), route_legs=legs.reset_index(drop=True), events=events.reset_index(drop=True))


def _areas_meet(events: pd.DataFrame, frame: Frame) -> np.ndarray:
    """For events known only to a country or region: whether the outline they are drawn on meets the frame (False without one)."""
    from rkmap.render.areas import area_outlines

    outlines = area_outlines()
    box = shapely_box(*frame.lonlat)
    meets: dict[str, bool] = {}
    out = np.zeros(len(events), dtype=bool)
    for k, ((_, row), area) in enumerate(zip(events.iterrows(), _area_keys(events))):
        if _user_row(row) and _polygons(row.get("outline")):
            out[k] = bool(row["outline"].intersects(box))
        elif area in outlines:
            if area not in meets:
                meets[area] = bool(outlines[area].intersects(box))
            out[k] = meets[area]
    return out


@dataclass(frozen=True)
class LegendNeeds:
    """What the legend must explain; ``|`` joins the needs of several frames."""

    place_kinds: frozenset[str] = frozenset()
    modes: frozenset[str] = frozenset()
    schematic: bool = False
    event_kinds: frozenset[str] = frozenset()
    area: bool = False
    claims: bool = False
    current: bool = False
    user: bool = False  # the analyst's own rows are shown

    def __or__(self, other: LegendNeeds) -> LegendNeeds:
        return LegendNeeds(
            self.place_kinds | other.place_kinds, self.modes | other.modes, self.schematic or other.schematic,
            self.event_kinds | other.event_kinds, self.area or other.area, self.claims or other.claims, self.current or other.current,
            self.user or other.user,
        )

    def entries(self) -> list[LegendEntry]:
        entries: list[LegendEntry] = []
        if self.place_kinds:
            entries += style.place_legend(sorted(self.place_kinds))
        if self.modes:
            entries += style.route_legend(sorted(self.modes))
            if self.schematic:
                entries.append(style.SCHEMATIC_LEGEND)
        if self.event_kinds:
            entries += style.event_legend(sorted(self.event_kinds))
        if self.user:
            entries.append(style.USER_LEGEND)
        if (self.event_kinds or self.user) and self.area:
            entries.append(style.AREA_LEGEND)
        if self.claims:
            entries += list(style.CLAIM_LEGEND)
            if self.current:
                entries.append(style.EMPHASIS_LEGEND)
        return entries


def legend_needs(items: VisibleItems, layers: frozenset[str]) -> LegendNeeds:
    places = "places" in layers and not items.places.empty
    route = "route" in layers and not items.route_legs.empty
    events = "events" in layers and not items.events.empty
    states = [*items.route_legs.get("state", []), *items.events.get("state", [])]
    return LegendNeeds(
        place_kinds=frozenset(items.places["kind"]) if places else frozenset(),
        modes=frozenset(items.route_legs["mode"][~_is_user(items.route_legs)]) if route else frozenset(),
        schematic=bool(route and (items.route_legs["schematic_head_vertices"] >= 2).any()),
        event_kinds=frozenset(items.events["kind"][~_is_user(items.events)]) if events else frozenset(),
        area=bool(events and items.events["is_area"].any()),
        claims=not items.route_legs.empty or not items.events.empty,
        current="current" in states,
        user=bool((events and _is_user(items.events).any()) or (route and _is_user(items.route_legs).any()) or (places and _is_user(items.places).any())),
    )


def _is_user(frame: pd.DataFrame) -> pd.Series:
    """The analyst's own rows (drawn in the user colour, as in the app)."""
    return frame["origin"] == "user" if "origin" in frame.columns else pd.Series(False, index=frame.index)


def _user_row(row: pd.Series) -> bool:
    return row.get("origin") == "user"


def _event_look(row: pd.Series) -> tuple[tuple[int, int, int], object]:
    """An event's colour and symbol: its kind's, or the user colour and hexagon for the analyst's own."""
    if _user_row(row):
        return style.USER_COLOUR, style.USER_EVENT_SYMBOL
    return style.EVENT_COLOURS[row["kind"]], style.EVENT_SYMBOL


def legend_entries(items: VisibleItems, layers: frozenset[str]) -> list[LegendEntry]:
    """Entries for what the export shows, from the shared style definitions."""
    return legend_needs(items, layers).entries()


def source_lines(dataset: Dataset, items: VisibleItems, lang: str) -> list[SourceRef]:
    """The sources cited by the items shown, numbered in the order of the sources table.

    Each gives publisher, title, date ('undated' when unknown) and URL, never an
    internal id or a file name (:mod:`rkmap.render.sources`).
    """
    keys = (
        [f"place:{i}" for i in items.places["id"]]
        + [f"leg:{i}" for i in items.route_legs["id"]]
        + [f"event:{i}" for i in items.events["id"]]
    )
    cited = set(dataset.citations[dataset.citations["item"].isin(keys)]["source"])
    if "source" in items.events.columns:  # per-row sources: the analyst's own events cite theirs in the row
        cited |= set(items.events["source"].dropna().astype(str)) - {""}
    lines: list[SourceRef] = []
    own: list[tuple[str, object]] = []  # the analyst's sources: listed after the shipped ones, grouped when many
    origin = dataset.sources["origin"] if "origin" in dataset.sources.columns else pd.Series("", index=dataset.sources.index)
    for (source_id, row), source_origin in zip(dataset.sources.iterrows(), origin):
        if source_id in cited:
            if source_origin == "user":
                own.append((str(source_id), row))
            else:
                lines.append(source_ref(len(lines) + 1, str(source_id), row, lang))
    return lines + _user_source_lines(own, items, len(lines), lang)


USER_SOURCES_LISTED = 6  # up to this many of the analyst's sources are listed one by one
USER_SOURCES_TOP = 3  # beyond, the most cited this many, then one line for the rest
USER_SOURCE_SUMMARY = "user-sources-summary"  # the id of that line (it has no number)


def _user_source_lines(own: list[tuple[str, object]], items: VisibleItems, numbered: int, lang: str) -> list[SourceRef]:
    """The analyst's sources: each one when few; else the most cited and a line grouping the rest by site (or title)."""
    refs = [source_ref(numbered + k + 1, source_id, row, lang) for k, (source_id, row) in enumerate(own)]
    if len(refs) <= USER_SOURCES_LISTED:
        return refs
    cites = pd.concat([items.events.get("source", pd.Series(dtype=object)), items.route_legs.get("source", pd.Series(dtype=object))], ignore_index=True)
    rows = cites.astype(str).value_counts()
    ranked = sorted(range(len(refs)), key=lambda k: (-int(rows.get(refs[k].source_id, 0)), k))
    top = sorted(ranked[:USER_SOURCES_TOP])
    kept = [replace(refs[k], number=numbered + n + 1) for n, k in enumerate(top)]
    groups: dict[str, int] = {}
    for k in ranked[USER_SOURCES_TOP:]:
        ref = refs[k]
        name = urlsplit(ref.url).hostname or ref.publisher or ref.title or ref.url
        name = name.removeprefix("www.")
        groups[name] = groups.get(name, 0) + max(int(rows.get(ref.source_id, 0)), 1)
    biggest = sorted(groups.items(), key=lambda kv: (-kv[1], kv[0]))
    sep = t("list_separator", lang)
    shown = sep.join(f"{name} ×{n}" for name, n in biggest[:3]) + (f"{sep}…" if len(biggest) > 3 else "")
    rest = len(refs) - len(kept)
    summary = t("export_user_sources", lang, total=len(refs), count=rest, groups=shown)
    return kept + [SourceRef(numbered + len(kept) + 1, USER_SOURCE_SUMMARY, summary, "", "", "")]


def in_focus_lines(items: VisibleItems, lang: str, limit: int = 6) -> list[str]:
    """Events happening at the as-of date (the emphasised ones), newest first."""
    events = items.events
    if events.empty:
        return []
    current = events[events["state"] == "current"].sort_values(["start", "id"], ascending=False)
    from rkmap.core.text import row_span

    return [f"{row_span(row, lang)} · {_one_line(localized(row, 'title', lang))}" for _, row in current.head(limit).iterrows()]


def export_contents(dataset: Dataset, view: MapView, frame: Frame) -> Contents:
    items = _in_frame(visible_items(dataset, view), frame)
    sources = source_lines(dataset, items, view.lang)
    return Contents(
        items=items,
        legend=legend_entries(items, view.layers),
        sources=sources,
        credits=credit_line(view.lang),
        in_focus=in_focus_lines(items, view.lang),
        notes=place_notes(dataset, items, sources),
    )


def place_notes(dataset: Dataset, items: VisibleItems, sources: list[SourceRef]) -> dict[str, tuple[int, ...]]:
    """For each place shown, the numbers (in the image's source list) of the sources behind it."""
    number = {ref.source_id: ref.number for ref in sources}
    cites = dataset.citations[dataset.citations["item"].isin([f"place:{i}" for i in items.places["id"]])]
    notes: dict[str, set[int]] = {}
    for item, source in zip(cites["item"], cites["source"]):
        if source in number:
            notes.setdefault(item.partition(":")[2], set()).add(number[source])
    return {k: tuple(sorted(v)) for k, v in notes.items()}


_SUPERSCRIPT = str.maketrans("0123456789,", "⁰¹²³⁴⁵⁶⁷⁸⁹˒")
MAX_NOTE_MARKS = 3


def note_marks(numbers: tuple[int, ...]) -> str:
    """Footnote marks for a label: '¹˒⁴' (at most three numbers; the list gives them all)."""
    if not numbers:
        return ""
    shown = ",".join(str(n) for n in numbers[:MAX_NOTE_MARKS]) + ("," if len(numbers) > MAX_NOTE_MARKS else "")
    return shown.translate(_SUPERSCRIPT) + ("⁺" if len(numbers) > MAX_NOTE_MARKS else "")


def default_title(view: MapView) -> str:
    return t("app_title", view.lang)


def frame_label(key: str, lang: str) -> str:
    """A frame's name; the user's data frame's from the catalogue."""
    return messages.frame_label(key if key in REGIONS or key == USER_REGION else "route", lang)


def default_subtitle(view: MapView) -> str:
    label = frame_label(view.region, view.lang)
    clock = t(f"export_clock_{view.clock}", view.lang)
    return f"{label} · {clock}"


def date_stamp(view: MapView) -> str:
    return format_date(view.as_of, view.lang)


# --------------------------------------------------------------------------- basemap
@cache
def _basemap_shapes() -> tuple[tuple[object, ...], tuple[object, ...]]:
    borders = json.loads((BASEMAP_DIR / "borders.geojson").read_text(encoding="utf-8"))
    border_shapes = tuple(shape(f["geometry"]) for f in borders["features"])
    return land_polygons(), border_shapes


def _polygons(geom: object) -> list[object]:
    kind = getattr(geom, "geom_type", "")
    if kind == "Polygon":
        return [geom]
    if kind in ("MultiPolygon", "GeometryCollection"):
        return [p for g in geom.geoms for p in _polygons(g)]  # type: ignore[attr-defined]
    return []


def _lines(geom: object) -> list[object]:
    kind = getattr(geom, "geom_type", "")
    if kind == "LineString":
        return [geom]
    if kind in ("MultiLineString", "GeometryCollection"):
        return [p for g in geom.geoms for p in _lines(g)]  # type: ignore[attr-defined]
    return []


@cache
def basemap_paths(lonlat_box: tuple[float, float, float, float]) -> tuple[MplPath | None, tuple[np.ndarray, ...]]:
    """Land as one compound path and borders as line arrays, clipped to a box and projected (cached per box)."""
    return projected_paths(*_basemap_shapes(), lonlat_box)


def projected_paths(land_shapes: object, border_shapes: object, lonlat_box: tuple[float, float, float, float]) -> tuple[MplPath | None, tuple[np.ndarray, ...]]:
    """Land polygons as one compound path and border lines as arrays, clipped to a lon/lat box, in Web Mercator."""
    w, s, e, n = lonlat_box
    clip = shapely_box(w, s, e, n)
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for geom in land_shapes:  # type: ignore[attr-defined]
        if not geom.intersects(clip):  # type: ignore[attr-defined]
            continue
        for polygon in _polygons(geom.intersection(clip)):  # type: ignore[attr-defined]
            polygon = orient(polygon, 1.0)
            for ring in (polygon.exterior, *polygon.interiors):
                coords = np.asarray(ring.coords)
                if len(coords) < 4:
                    continue
                x, y = mercator(coords[:, 0], coords[:, 1])
                ring_codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
                ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                vertices.append(np.column_stack([x, y]))
                codes.append(ring_codes)
    land = MplPath(np.concatenate(vertices), np.concatenate(codes)) if vertices else None
    borders = []
    for geom in border_shapes:  # type: ignore[attr-defined]
        if not geom.intersects(clip):  # type: ignore[attr-defined]
            continue
        for line in _lines(geom.intersection(clip)):  # type: ignore[attr-defined]
            coords = np.asarray(line.coords)
            if len(coords) >= 2:
                x, y = mercator(coords[:, 0], coords[:, 1])
                borders.append(np.column_stack([x, y]))
    return land, tuple(borders)


# --------------------------------------------------------------------------- layout
@dataclass(frozen=True)
class Layout:
    """Positions in inches from the figure's bottom-left corner."""

    width: float
    height: float
    margin: float
    banner_h: float
    header_top: float
    header_bottom: float
    body_bottom: float
    map_box: tuple[float, float, float, float]  # x, y, w, h (before letterboxing)
    side_x: float
    side_w: float
    sources_top: float
    footer_top: float


SOURCE_COLUMNS = 3
SOURCE_SIZE = 6.0
SOURCE_LINE = SOURCE_SIZE * 1.3 / 72
MAX_SOURCE_ROWS = 9


def make_layout(width: float, height: float, banner: bool, n_sources: int) -> Layout:
    margin = 0.32
    banner_h = 0.26 if banner else 0.0
    header_top = height - margin - banner_h
    header_bottom = header_top - 0.86
    footer_top = margin + banner_h + 0.34
    rows = min(math.ceil(n_sources / SOURCE_COLUMNS), MAX_SOURCE_ROWS) if n_sources else 0
    sources_h = 0.22 + rows * SOURCE_LINE if rows else 0.0
    sources_top = footer_top + 0.06 + sources_h
    body_bottom = sources_top + (0.14 if rows else 0.04)
    side_w = 3.4
    gap = 0.26
    map_w = width - 2 * margin - side_w - gap
    map_box = (margin, body_bottom, map_w, header_bottom - 0.14 - body_bottom)
    return Layout(width, height, margin, banner_h, header_top, header_bottom, body_bottom, map_box, margin + map_w + gap, side_w, sources_top, footer_top)


# --------------------------------------------------------------------------- drawing
def _text(fig: Figure, x: float, y: float, text: str, **kw: object) -> object:
    """Plain text at (x, y) inches: never mathtext, never TeX."""
    kw.setdefault("color", INK)
    return fig.text(x, y, text, transform=fig.dpi_scale_trans, parse_math=False, usetex=False, **kw)


def _draw_banner(fig: Figure, lay: Layout, banner: str, lang: str) -> None:
    for y in (lay.height - lay.banner_h, 0.0):
        fig.patches.append(Rectangle((0, y), lay.width, lay.banner_h, transform=fig.dpi_scale_trans, facecolor=BANNER_FILL, edgecolor="none", zorder=5))
        size = _mpl.fit_size(banner, (lay.width - 2 * lay.margin) * 72, lang, 9.5, "bold")
        _text(fig, lay.width / 2, y + lay.banner_h / 2, banner, ha="center", va="center_baseline", fontsize=size, fontweight="bold", color="white", zorder=6)


def _draw_header(fig: Figure, lay: Layout, view: MapView, title: str, subtitle: str) -> None:
    lang = view.lang
    stamp_label = t("export_as_of", lang)
    stamp = date_stamp(view)
    stamp_size = 17.0
    stamp_w = max(_mpl.text_width_pt(stamp, lang, stamp_size, "bold"), _mpl.text_width_pt(stamp_label, lang, 8.5, "bold")) / 72 + 0.36
    stamp_h = 0.72
    sx = lay.width - lay.margin - stamp_w
    sy = lay.header_top - stamp_h - 0.02
    fig.patches.append(
        FancyBboxPatch(
            (sx, sy), stamp_w, stamp_h, boxstyle="round,pad=0,rounding_size=0.06", transform=fig.dpi_scale_trans,
            facecolor=rgba(style.EMPHASIS, 0.18), edgecolor=rgba(style.EMPHASIS), linewidth=1.6, zorder=3,
        )
    )
    _text(fig, sx + 0.18, sy + stamp_h - 0.1, stamp_label, ha="left", va="top", fontsize=8.5, fontweight="bold", color=MUTED, zorder=4)
    _text(fig, sx + 0.18, sy + 0.1, stamp, ha="left", va="baseline", fontsize=stamp_size, fontweight="bold", zorder=4, gid="as-of-date")
    title_w = (sx - lay.margin - 0.3) * 72
    title_size = _mpl.fit_size(title, title_w, lang, 21.0, "bold", smallest=11.0)
    _text(fig, lay.margin, lay.header_top - 0.04, title, ha="left", va="top", fontsize=title_size, fontweight="bold", gid="title")
    if subtitle:
        sub_size = _mpl.fit_size(subtitle, title_w, lang, 11.5, smallest=7.0)
        _text(fig, lay.margin, lay.header_top - 0.5, subtitle, ha="left", va="top", fontsize=sub_size, color=MUTED, gid="subtitle")
    fig.add_artist(Line2D([lay.margin, lay.width - lay.margin], [lay.header_bottom, lay.header_bottom], transform=fig.dpi_scale_trans, color=(0.8, 0.82, 0.85), linewidth=0.8))


def _data_end(dataset: Dataset, view: MapView) -> str:
    """' · latest event in the data: …' when the as-of date lies after the data (or before them); else ''."""
    if dataset.events.empty and dataset.route_legs.empty:
        return ""
    first, last = data_span(dataset)
    return data_end_note(view.as_of, first, last, view.lang)


def _view_line(view: MapView, data_end: str = "") -> str:
    lang = view.lang
    layers = layer_names(view)
    lead = data_end.removeprefix(" · ")
    return (lead[:1].upper() + lead[1:] + " · " if lead else "") + t(
        "export_view_line",
        lang,
        clock=t(f"export_clock_{view.clock}", lang),
        layers=layers,
        days=view.emphasis_days,
        date=format_date(view.as_of, lang),
        region=frame_label(view.region, lang),
    )


def user_files_line(dataset: Dataset, lang: str) -> str:
    """'Your data: acled.csv (3 rows); mine.geojson (12 rows)', or '' without user rows."""
    from rkmap.data.user_data import user_parts

    user = user_parts(dataset)[1]
    if user is None:
        return ""
    ids = pd.concat([user.events["id"], user.route_legs["id"], user.places["id"][user.places["on_map"] != "no"]], ignore_index=True).astype(str)
    counts = ids.str.partition(":")[0].value_counts()
    notes = dataset.sources[dataset.sources.get("origin", pd.Series("", index=dataset.sources.index)) == "user"]
    files = {str(i).partition(":")[0]: str(n).removeprefix("Added by the user from ") for i, n in zip(notes["id"], notes["note"])}
    parts = [t("export_user_file", lang, file=files.get(prefix, prefix), rows=int(n)) for prefix, n in sorted(counts.items(), key=lambda kv: kv[0])]
    return t("export_user_files", lang, files="; ".join(parts)) if parts else ""


def _draw_footer(fig: Figure, lay: Layout, view: MapView, credits: str, data_end: str = "", user_line: str = "") -> None:
    y = lay.footer_top
    width_pt = (lay.width - 2 * lay.margin) * 72
    fig.add_artist(Line2D([lay.margin, lay.width - lay.margin], [y + 0.02, y + 0.02], transform=fig.dpi_scale_trans, color=(0.8, 0.82, 0.85), linewidth=0.6))
    view_line = _view_line(view, data_end) + (f" · {user_line}" if user_line else "")
    _text(fig, lay.margin, y - 0.04, view_line, ha="left", va="top", fontsize=_mpl.fit_size(view_line, width_pt, view.lang, 6.0, smallest=4.5), color=MUTED)
    credit = t("export_credits", view.lang) + " " + credits
    _text(fig, lay.margin, y - 0.17, credit, ha="left", va="top", fontsize=_mpl.fit_size(credit, width_pt, view.lang, 6.0, smallest=4.5), color=MUTED, gid="credits")


def _draw_sources(fig: Figure, lay: Layout, sources: list[SourceLine], lang: str) -> None:
    if not sources:
        return
    y = lay.sources_top
    _text(fig, lay.margin, y, t("export_sources", lang), ha="left", va="top", fontsize=7.6, fontweight="bold", gid="sources-title")
    y -= 0.2
    col_w = (lay.width - 2 * lay.margin) / SOURCE_COLUMNS
    capacity = SOURCE_COLUMNS * MAX_SOURCE_ROWS
    # When the list overflows, shipped sources give way: the analyst's (a few lines at most, see
    # _user_source_lines) stay, after the '… and N more' line.
    own = [src for src in sources if src.source_id.startswith("user")]
    others = [src for src in sources if not src.source_id.startswith("user")]
    entries: list[SourceLine | None] = list(sources) if len(sources) <= capacity else [*others[: capacity - 1 - len(own)], None, *own]
    shown = [src for src in entries if src is not None]
    rows = math.ceil(len(entries) / SOURCE_COLUMNS)
    number_w = _mpl.text_width_pt("[00]", lang, SOURCE_SIZE) / 72 + 0.08
    for k, source in enumerate(entries):
        col, row = divmod(k, rows)
        if source is None:
            _text(fig, lay.margin + col * col_w, y - row * SOURCE_LINE, t("export_more_sources", lang, count=len(sources) - len(shown)), ha="left", va="top", fontsize=SOURCE_SIZE, color=MUTED)
            continue
        x = lay.margin + col * col_w
        y_line = y - row * SOURCE_LINE
        width_pt = (col_w - number_w - 0.12) * 72
        if source.source_id != USER_SOURCE_SUMMARY:  # the line grouping the analyst's other sources has no number
            _text(fig, x, y_line, f"[{source.number}]", ha="left", va="top", fontsize=SOURCE_SIZE, color=MUTED)
        else:
            width_pt = (lay.width - x - lay.margin - number_w) * 72  # it may run on into the next columns (it is last)
        main, url_shown = _source_line_parts(source, width_pt, lang)
        text = _text(fig, x + number_w, y_line, main, ha="left", va="top", fontsize=SOURCE_SIZE, gid=f"source-{source.number}")
        if source.url:
            text.set_url(source.url)  # type: ignore[attr-defined]
        measured = _mpl.text_width_pt(main, lang, SOURCE_SIZE)
        # Glyphs can draw wider than measured at a low dpi (by a few per cent): a line near its column's width is cut
        # again at the ratio seen, to end in its column. Shorter lines cannot reach the next column: not measured again.
        if not url_shown and source.source_id != USER_SOURCE_SUMMARY and measured > 0.9 * width_pt:
            drawn_w = text.get_window_extent(fig.canvas.get_renderer()).width / fig.dpi * 72  # type: ignore[attr-defined]
            if drawn_w > width_pt:
                text.set_text((_mpl.wrap(main, width_pt * measured / drawn_w, lang, SOURCE_SIZE, max_lines=1) or [""])[0])  # type: ignore[attr-defined]
        if url_shown:
            # Placed after the text as drawn (the measured width can be a little short at low dpi).
            drawn = text.get_window_extent(fig.canvas.get_renderer()).x1 / fig.dpi  # type: ignore[attr-defined]
            measured /= 72  # inches
            main_w = max(drawn - x - number_w, measured) + URL_GAP_PT / 72
            if source.source_id != USER_SOURCE_SUMMARY:
                # At a low dpi (a GIF's, a video's or a deck's 1920 px) glyphs draw wider than measured: the address,
                # measured at the same ratio, is cut to end inside its column rather than run into the next one's number.
                ratio = max(1.0, (drawn - x - number_w) / measured) if measured > 0 else 1.0
                room_pt = (x + col_w - 0.1 - (x + number_w + main_w)) * 72 / ratio
                if _mpl.text_width_pt(url_shown, lang, SOURCE_SIZE) > room_pt:
                    url_shown = _cut(_short_url(source.url), room_pt, lang) if room_pt >= MIN_URL_PT / 3 else ""
            if not url_shown:
                continue  # the title keeps the link
            link = _text(fig, x + number_w + main_w, y_line, url_shown, ha="left", va="top", fontsize=SOURCE_SIZE, color=LINK, gid=f"source-url-{source.number}")
            link.set_url(source.url)  # type: ignore[attr-defined]


LINK = (0.07, 0.33, 0.62)
URL_GAP_PT = 7.0
MIN_URL_PT = 90.0  # a URL gets at least this much of a source line (the title gives way first)


def _source_line_parts(source: SourceRef, width_pt: float, lang: str) -> tuple[str, str]:
    """The line's text ('Publisher: Title (date)') and its URL as shown, both fitted to ``width_pt``.

    The URL is shown whole when it fits beside the text; a long one is cut with
    '…' (the link in the PDF and the SVG keeps the whole address).
    """
    full = source.text(lang)
    if not source.url:
        return (_mpl.wrap(full, width_pt, lang, SOURCE_SIZE, max_lines=1) or [""])[0], ""
    url_w = _mpl.text_width_pt(source.url, lang, SOURCE_SIZE)
    text_w = _mpl.text_width_pt(full, lang, SOURCE_SIZE) + URL_GAP_PT
    if text_w + url_w <= width_pt:
        return full, source.url
    url_room = max(MIN_URL_PT, width_pt - text_w)
    url = source.url if url_w <= url_room else _cut(_short_url(source.url), url_room, lang)
    room = width_pt - _mpl.text_width_pt(url, lang, SOURCE_SIZE) - URL_GAP_PT
    main = (_mpl.wrap(full, room, lang, SOURCE_SIZE, max_lines=1) or [""])[0]
    return main, url


def _short_url(url: str) -> str:
    """The address without 'https://' and 'www.' (shown when the whole one does not fit)."""
    for prefix in ("https://", "http://", "www."):
        if url.lower().startswith(prefix):
            url = url[len(prefix):]
    return url


def _cut(text: str, width_pt: float, lang: str) -> str:
    """``text`` cut at the end with '…' to fit ``width_pt``."""
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _mpl.text_width_pt(text[:mid] + "…", lang, SOURCE_SIZE) <= width_pt:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…"


SWATCH_W = 0.5


def _swatch(fig: Figure, entry: LegendEntry, x: float, y: float, w: float = SWATCH_W) -> None:
    """A legend swatch centred on height y, from x to x + w inches."""
    tr = fig.dpi_scale_trans
    colour = entry.colour
    cx = x + w / 2
    if entry.swatch == "line":
        if entry.key == "schematic":
            fig.add_artist(Line2D([x, x + w], [y, y], transform=tr, color=rgba(colour), linewidth=style.SCHEMATIC_WIDTH_PX * PX, linestyle=(0, style.DASH_SCHEMATIC), dash_capstyle="round"))
            return
        width = style.MODE_WIDTH_PX.get(entry.key.removeprefix("route-"), 3.5) * PX
        # Start half-way into a dash so a short swatch shows the pattern.
        dash = (style.DASH_CONTESTED[0] / 2, style.DASH_CONTESTED) if entry.dashed else "-"
        fig.add_artist(Line2D([x, x + w], [y, y], transform=tr, color=rgba(colour), linewidth=width, linestyle=dash))
        return
    if entry.swatch == "area":
        # The map's hatch (rkmap/render/areas.py): lines rising at 45°, AREA_HATCH_PX app pixels apart, in the area ink.
        x0, y0, x1, y1 = cx - 0.11, y - 0.07, cx + 0.11, y + 0.07
        step = style.AREA_HATCH_PX * PX / 72 * math.sqrt(2)  # along x between lines x - y = c
        cell = shapely_box(x0, y0, x1, y1)
        hatch = [np.asarray(part.coords) for c in np.arange(math.floor((x0 - y1) / step) * step, x1 - y0 + step, step)
                 for part in _lines(LineString([(c + y0, y0), (c + y1, y1)]).intersection(cell))]
        fig.add_artist(LineCollection(hatch, transform=tr, colors=[rgba(AREA_INK, style.AREA_HATCH_ALPHA)], linewidths=style.AREA_HATCH_WIDTH_PX * PX))
        fig.patches.append(Rectangle((x0, y0), x1 - x0, y1 - y0, transform=tr, facecolor="none", edgecolor=rgba(AREA_INK, style.AREA_OUTLINE_ALPHA),
                                     linewidth=style.AREA_OUTLINE_WIDTH_PX * PX, linestyle=(0, style.AREA_OUTLINE_DASH)))
        return
    symbol = style.EVENT_SYMBOL
    if entry.swatch == "halo":
        fig.add_artist(Line2D([cx], [y], transform=tr, marker=MarkerStyle(_mpl.marker_path(symbol)), markersize=_mpl.marker_size_pt(symbol, style.EVENT_SIZE_PX + 12), markerfacecolor=rgba(colour, 220 / 255), markeredgewidth=0, linestyle="none"))
        fig.add_artist(Line2D([cx], [y], transform=tr, marker=MarkerStyle(_mpl.marker_path(symbol)), markersize=_mpl.marker_size_pt(symbol, style.EVENT_SIZE_PX), markerfacecolor=rgba(style.PLACE_INK), markeredgewidth=0, linestyle="none"))
        return
    symbol = entry.symbol or style.EVENT_SYMBOL
    size_px = style.PLACE_SIZE_PX if entry.key.startswith("place-") else style.EVENT_SIZE_PX
    mx = cx
    if entry.key.startswith("claim-"):
        # Claims apply to symbols (hollow) and lines (dashed): show both.
        mx = x + 0.08
        dash = (style.DASH_CONTESTED[0] / 2, style.DASH_CONTESTED) if entry.dashed else "-"
        fig.add_artist(Line2D([x + 0.19, x + w], [y, y], transform=tr, color=rgba(colour), linewidth=2.5 * PX, linestyle=dash))
    marker = MarkerStyle(_mpl.marker_path(symbol))
    size = _mpl.marker_size_pt(symbol, size_px)
    if entry.hollow:
        fig.add_artist(Line2D([mx], [y], transform=tr, marker=marker, markersize=size, markerfacecolor="white", markeredgecolor=rgba(colour), markeredgewidth=1.5, linestyle="none"))
    else:
        fig.add_artist(Line2D([mx], [y], transform=tr, marker=marker, markersize=size, markerfacecolor=rgba(colour), markeredgewidth=0, linestyle="none"))


LEGEND_SIZE = 7.4
LEGEND_LINE = LEGEND_SIZE * 1.28 / 72


def _is_short(entry: LegendEntry) -> bool:
    return entry.key.startswith(("place-", "event-", "route-"))


def _draw_side(fig: Figure, lay: Layout, view: MapView, contents: Contents) -> float:
    """The legend (short entries in two columns); returns the height (inches) where it ends."""
    lang = view.lang
    x, width = lay.side_x, lay.side_w
    y = lay.header_bottom - 0.14
    _text(fig, x, y, t("legend", lang), ha="left", va="top", fontsize=9.5, fontweight="bold", gid="legend-title")
    y -= 0.25
    half = width / 2
    column = 0
    row_h = 0.0
    for entry in contents.legend:
        short = _is_short(entry)
        if not short and column == 1:  # finish the row of short entries
            y -= row_h + 0.06
            column, row_h = 0, 0.0
        span = half if short else width
        lines = _mpl.wrap(entry.label(lang), (span - SWATCH_W - 0.16) * 72, lang, LEGEND_SIZE, max_lines=3)
        block = max(len(lines) * LEGEND_LINE, 0.17)
        ex = x + column * half
        _swatch(fig, entry, ex, y - LEGEND_LINE / 2 - 0.005)
        _text(fig, ex + SWATCH_W + 0.08, y, "\n".join(lines), ha="left", va="top", fontsize=LEGEND_SIZE, linespacing=1.28, gid=f"legend-{entry.key}")
        row_h = max(row_h, block)
        if short and column == 0:
            column = 1
        else:
            y -= row_h + 0.06
            column, row_h = 0, 0.0
    if column == 1:
        y -= row_h + 0.06
    return y


def _draw_in_focus(fig: Figure, lay: Layout, view: MapView, contents: Contents, y: float) -> None:
    """The events at the as-of date, under the legend, as far as room is left; those that do not fit are counted."""
    lang = view.lang
    x, width = lay.side_x, lay.side_w
    bottom = lay.body_bottom
    if not contents.in_focus:
        return
    size = 6.9
    line_h = size * 1.28 / 72
    y -= 0.1
    if y - 0.22 - line_h < bottom:  # not even the title and one line
        return
    fig.add_artist(Line2D([x, x + width], [y + 0.05, y + 0.05], transform=fig.dpi_scale_trans, color=(0.85, 0.86, 0.88), linewidth=0.6))
    _text(fig, x, y, t("export_in_focus", lang, days=view.emphasis_days), ha="left", va="top", fontsize=8.2, fontweight="bold", gid="in-focus-title")
    y -= 0.22
    lines = contents.in_focus
    for i, line in enumerate(lines):
        wrapped = _mpl.wrap(line, (width - 0.14) * 72, lang, size, max_lines=2)
        # A line is drawn only if, when more follow, a line to count them still fits under it (a list cut short says so).
        if y - len(wrapped) * line_h - (line_h + 0.05 if i + 1 < len(lines) else 0) < bottom:
            left = len(lines) - i
            key = "area_more" if i else "export_in_focus_count"
            _text(fig, x + 0.14, y, t(key, lang, count=left), ha="left", va="top", fontsize=size, gid="in-focus-more")
            break
        fig.patches.append(Circle((x + 0.045, y - line_h / 2), 0.03, transform=fig.dpi_scale_trans, facecolor=rgba(style.EMPHASIS), edgecolor="none"))
        _text(fig, x + 0.14, y, "\n".join(wrapped), ha="left", va="top", fontsize=size, linespacing=1.28, gid=f"in-focus-event-{i}")
        y -= len(wrapped) * line_h + 0.05


def _offset(fig: Figure, ax: object, dx_px: float, dy_px: float) -> object:
    """Data transform shifted by a deck.gl pixel offset (x right, y down)."""
    return ax.transData + ScaledTranslation(dx_px * PX / 72, -dy_px * PX / 72, fig.dpi_scale_trans)  # type: ignore[attr-defined]


@dataclass
class MapDrawing:
    """Screen boxes (display pixels) the labels must avoid, collected while drawing."""

    obstacles: list[tuple[float, float, float, float]] = field(default_factory=list)
    inset: tuple[float, float, float, float] | None = None  # where the inset went (x, y, w, h inches)
    symbols: list[tuple[float, float, float, float]] = field(default_factory=list)  # symbol boxes only
    lines: list[np.ndarray] = field(default_factory=list)  # route lines, display pixels
    labels: list[object] = field(default_factory=list)  # the label Text artists placed
    # For each of ``labels``: its symbol's centre (display pixels), the symbol's half size (pixels) and the
    # label's font size (points), so that how far a label moved can be checked against LABEL_MAX_MOVE_EM.
    label_anchors: list[tuple[float, float, float, float]] = field(default_factory=list)
    leaders: dict[int, object] = field(default_factory=dict)  # index in ``labels`` -> its leader line
    place_centres: list[tuple[float, float]] = field(default_factory=list)  # every place symbol's centre (display pixels)
    reserved: tuple[tuple[float, float, float, float], ...] = ()  # map furniture drawn later (display pixels)
    defer_lists: bool = False  # the main map: area lists wait until the inset has its place
    pending_lists: list[tuple] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # places whose label found no free spot
    area_lists: bool = True  # the inset hatches the areas but leaves their lists to the main map
    list_anchors: dict[str, tuple[float, float]] = field(default_factory=dict)  # area -> the point its list is placed beside (display pixels)

    def add_point(self, fig: Figure, ax: object, x: float, y: float, size_pt: float, dx_px: float = 0.0, dy_px: float = 0.0) -> None:
        px, py = ax.transData.transform((x, y))  # type: ignore[attr-defined]
        scale = fig.dpi / 72
        px, py = px + dx_px * PX * scale, py - dy_px * PX * scale
        half = size_pt * scale / 2
        self.obstacles.append((px - half, py - half, px + half, py + half))
        self.symbols.append((px - half, py - half, px + half, py + half))


def _setup_axes(ax: object, frame: Frame, border: tuple[float, float, float] = (0.55, 0.58, 0.62), border_w: float = 0.8) -> None:
    ax.set_xlim(frame.x0, frame.x1)  # type: ignore[attr-defined]
    ax.set_ylim(frame.y0, frame.y1)  # type: ignore[attr-defined]
    ax.set_aspect("equal", adjustable="box")  # type: ignore[attr-defined]
    ax.set_facecolor(rgba(style.WATER))  # type: ignore[attr-defined]
    ax.set_xticks([])  # type: ignore[attr-defined]
    ax.set_yticks([])  # type: ignore[attr-defined]
    for spine in ax.spines.values():  # type: ignore[attr-defined]
        spine.set_edgecolor(border)
        spine.set_linewidth(border_w)


def _draw_content(
    fig: Figure, ax: object, dataset: Dataset, view: MapView, frame: Frame, items: VisibleItems, unlabelled: Frame | None = None, small_scale: bool = False, label_scale: float = 1.0,
    notes: dict[str, tuple[int, ...]] | None = None, reserved: tuple[tuple[float, float, float, float], ...] = (), defer_lists: bool = False, label_shrinks: tuple[float, ...] = (),
    area_lists: bool = True,
) -> MapDrawing:
    """Basemap and the view's items in one map axes; places inside ``unlabelled`` get no label."""
    w, s, e, n = frame.lonlat
    margin = 0.25 * max(e - w, n - s) / 10
    land, borders = basemap_paths((round(w - margin, 3), round(s - margin, 3), round(e + margin, 3), round(n + margin, 3)))
    bw, bs, be, bn = basemap_bounds()
    if w < bw or s < bs or e > be or n > bn:  # the user's data frame, past the detailed basemap: the world raster under it
        wx0, wy0 = mercator(WORLD_BOUNDS[0], WORLD_BOUNDS[1])
        wx1, wy1 = mercator(WORLD_BOUNDS[2], WORLD_BOUNDS[3])
        ax.imshow(_world_image(), extent=(float(wx0), float(wx1), float(wy0), float(wy1)), origin="upper", interpolation="bilinear", zorder=0.5, aspect="auto")  # type: ignore[attr-defined]
        ax.set_xlim(frame.x0, frame.x1)  # type: ignore[attr-defined]  # imshow resets the limits
        ax.set_ylim(frame.y0, frame.y1)  # type: ignore[attr-defined]
    if land is not None:
        # add_artist, not add_patch: no data limits to compute over tens of thousands of vertices.
        ax.add_artist(PathPatch(land, facecolor=rgba(style.LAND), edgecolor="none", zorder=1, transform=ax.transData))  # type: ignore[attr-defined]
    if borders:
        ax.add_collection(LineCollection(borders, colors=[rgba(style.BORDER)], linewidths=0.8, zorder=2), autolim=False)  # type: ignore[attr-defined]
    drawing = MapDrawing(reserved=reserved, defer_lists=defer_lists, area_lists=area_lists)
    if "route" in view.layers:
        _draw_route(ax, items.route_legs)
        for _, leg in items.route_legs.iterrows():
            for part in leg_parts(leg):
                if part:
                    xs, ys = mercator([p[0] for p in part], [p[1] for p in part])
                    drawing.lines.append(ax.transData.transform(np.column_stack([xs, ys])))  # type: ignore[attr-defined]
    if "events" in view.layers:
        _draw_events(fig, ax, dataset, items.events, drawing, view.lang)
    if "places" in view.layers:
        hidden = style.HIDDEN_LABEL_KINDS.get(view.region, ()) if small_scale else ()
        current = frozenset(items.events.loc[items.events["state"] == "current", "place_id"].astype(str)) if "events" in view.layers else frozenset()
        _draw_places(fig, ax, items.places, view.lang, drawing, unlabelled, hidden, label_scale, notes or {}, reserved, label_shrinks, current)
    layouts = getattr(fig, "briefing_labels", [])
    layouts.append(drawing)
    fig.briefing_labels = layouts  # type: ignore[attr-defined]
    return drawing


def _inset_place(box: tuple[float, float, float, float], inset_wh: tuple[float, float], points: list[tuple[float, float]], boxes: list[tuple[float, float, float, float]], avoid: tuple[float, float, float, float]) -> tuple[tuple[float, float], float]:
    """Where along the map's top or bottom edge (inches) the inset hides the fewest items, never the area it enlarges."""
    mx, my, mw, mh = box
    iw, ih = inset_wh
    pad = 0.08
    target = ((avoid[0] + avoid[2]) / 2, (avoid[1] + avoid[3]) / 2)
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    obstacles = np.asarray(boxes + [avoid], dtype=float).reshape(-1, 4)
    weights = np.full(len(obstacles), 5000.0)  # never hide a label
    weights[-1] = 10000.0  # never cover the area the inset enlarges
    steps = max(1, int((mw - iw - 2 * pad) / 0.1))
    best, best_score = (mx + mw - iw - pad, my + pad), float("inf")
    for cy in (my + pad, my + mh - ih - pad):
        for k in range(steps + 1):
            cx = mx + pad + k * (mw - iw - 2 * pad) / steps
            x0, y0, x1, y1 = cx, cy, cx + iw, cy + ih
            covered = int(((pts[:, 0] >= x0) & (pts[:, 0] <= x1) & (pts[:, 1] >= y0) & (pts[:, 1] <= y1)).sum())
            ow = np.clip(np.minimum(obstacles[:, 2], x1) - np.maximum(obstacles[:, 0], x0), 0, None)
            oh = np.clip(np.minimum(obstacles[:, 3], y1) - np.maximum(obstacles[:, 1], y0), 0, None)
            score = covered * 10 + float((ow * oh * weights).sum()) + math.dist((cx + iw / 2, cy + ih / 2), target) * 0.5
            if score < best_score:
                best, best_score = (cx, cy), score
    return best, best_score


INSET_REGION = "rajin_dunai"
# What the inset shows: its region with room east of Dunai, whose name (the inset's subject, in
# its title) otherwise found no free spot in an inset of the wide frames (the sea leg on its left).
INSET_EAST_MARGIN_DEG = 0.8


def _inset_view() -> Region:
    region = REGIONS[INSET_REGION]
    return replace(region, east=region.east + INSET_EAST_MARGIN_DEG)
INSET_WHEN_WIDER_DEG = 8.0


def _draw_map(fig: Figure, lay: Layout, dataset: Dataset, view: MapView, frame: Frame, aspect: float, contents: Contents, inset_slot: tuple[float, float, float, float] | None = None, pin: Pin | None = None) -> MapDrawing:
    """The main map, and an inset of the crowded Rajin–Dunai area when the frame is wide; returns whether an inset was drawn."""
    mx, my, mw, mh = lay.map_box
    # Letterbox to the frame's aspect, keeping the map's top under the header.
    if mw / mh > aspect:
        new_w = mh * aspect
        mx, mw = mx + (mw - new_w) / 2, new_w
    else:
        new_h = mw / aspect
        my, mh = my + (mh - new_h), new_h
    box = (mx, my, mw, mh)
    ax = fig.add_axes((mx / lay.width, my / lay.height, mw / lay.width, mh / lay.height))
    _setup_axes(ax, frame)

    inset_frame = None
    w, s, e, n = frame.lonlat
    region = REGIONS[INSET_REGION]
    if pin is not None:
        if pin.inset is not None:
            inset_frame = _frame_of(region)
    elif view.region != INSET_REGION and e - w > INSET_WHEN_WIDER_DEG and w < region.west and region.east < e:
        inset_items = _crowded(contents.items, region)
        if inset_items:
            inset_frame = _frame_of(region)
    # As on the interactive map: at small scale some crowded labels are left out (the inset has them).
    small_scale = view.region in style.HIDDEN_LABEL_KINDS
    # The scale bar (bottom left) and the north arrow (top left) are drawn after the labels: keep them free.
    dpi = fig.dpi
    furniture = ((mx * dpi, my * dpi, (mx + 2.2) * dpi, (my + 0.55) * dpi), (mx * dpi, (my + mh - 0.7) * dpi, (mx + 0.7) * dpi, (my + mh) * dpi))
    drawing = _draw_content(fig, ax, dataset, view, frame, contents.items, unlabelled=inset_frame, small_scale=small_scale, notes=contents.notes, reserved=furniture, defer_lists=True, label_shrinks=(1.0, 0.88, 0.78))
    _draw_scale_bar(fig, frame, view.lang, box)
    _draw_north_arrow(fig, box)
    if inset_frame is not None:
        # The scale bar (bottom left) and north arrow (top left) are obstacles too.
        scale = fig.dpi
        furniture = [(mx * scale, my * scale, (mx + 2.2) * scale, (my + 0.55) * scale), (mx * scale, (my + mh - 0.7) * scale, (mx + 0.7) * scale, (my + mh) * scale)]
        drawing.obstacles.extend(furniture)
        _draw_inset(fig, ax, dataset, view, frame, box, contents, inset_slot, drawing, fixed=pin.inset if pin else None)
    # The lists of the places known only to a country go where neither the inset nor anything else is.
    if drawing.inset is not None:
        ix, iy, iw, ih = drawing.inset
        dpi = fig.dpi
        drawing.reserved = (*drawing.reserved, (ix * dpi, iy * dpi, (ix + iw) * dpi, (iy + ih + INSET_TITLE_H) * dpi))
    drawing.defer_lists = False
    _draw_area_lists(drawing.pending_lists)
    drawing.pending_lists.clear()
    return drawing


def _crowded(items: VisibleItems, region: object) -> bool:
    """Whether the items include places or events inside ``region`` (then it gets an inset)."""
    frames = [items.places, items.events, items.route_legs]
    if not items.places.empty and ((items.places["lon"].between(region.west, region.east)) & (items.places["lat"].between(region.south, region.north))).sum() >= 2:  # type: ignore[attr-defined]
        return True
    return bool(len(frames[2]))


def _frame_of(region: object) -> Frame:
    (x0, x1), (y0, y1) = mercator([region.west, region.east], [region.south, region.north])  # type: ignore[attr-defined]
    return Frame(float(x0), float(y0), float(x1), float(y1))


INSET_TITLE_H = 0.2


def _draw_inset(fig: Figure, ax: object, dataset: Dataset, view: MapView, frame: Frame, box: tuple[float, float, float, float], contents: Contents, slot: tuple[float, float, float, float] | None, drawing: MapDrawing, fixed: tuple[float, float, float, float] | None = None) -> None:
    """The inset: at ``fixed`` (a pinned layout), in ``slot`` (under the legend), else in the emptiest corner of the map."""
    mx, my, mw, mh = box
    region = REGIONS[INSET_REGION]
    def sized(iw: float, ih: float) -> tuple[Frame, float, float]:
        inset_frame, inset_aspect = fit_frame(_inset_view(), iw / ih)
        if inset_aspect < iw / ih:
            iw = ih * inset_aspect
        else:
            ih = iw / inset_aspect
        return inset_frame, iw, ih

    if slot is not None:
        inset_frame, iw, ih = sized(slot[2], min(slot[3] - INSET_TITLE_H, slot[2] / 1.2))
    else:
        inset_frame, iw, ih = sized(min(mw * 0.37, 3.3), min(mw * 0.37, 3.3) / 1.45)
    # Where the enlarged area sits on the main map, in inches.
    to_in = lambda x, y: (mx + (x - frame.x0) / (frame.x1 - frame.x0) * mw, my + (y - frame.y0) / (frame.y1 - frame.y0) * mh)
    region_frame = _frame_of(region)
    (ax0, ay0), (ax1, ay1) = to_in(region_frame.x0, region_frame.y0), to_in(region_frame.x1, region_frame.y1)
    points = []
    for table in (contents.items.places, contents.items.events):
        if not table.empty:
            xs, ys = mercator(table["lon"].to_numpy(), table["lat"].to_numpy())
            points += [to_in(x, y) for x, y in zip(xs, ys)]
    for _, leg in contents.items.route_legs.iterrows():
        coords = np.asarray(leg["line"].coords)
        xs, ys = mercator(coords[:: max(1, len(coords) // 400), 0], coords[:: max(1, len(coords) // 400), 1])
        points += [to_in(x, y) for x, y in zip(xs, ys)] * 6  # hiding the route weighs most
    if fixed is not None:
        cx, cy, iw, ih = fixed
        inset_frame, _ = fit_frame(_inset_view(), iw / ih)
        slot = (cx, cy, iw, ih + INSET_TITLE_H) if cx >= mx + mw else None
    elif slot is not None:
        cx, cy = slot[0], slot[1] + slot[3] - INSET_TITLE_H - ih
    else:
        pad = 0.05
        boxes = [(b[0] / fig.dpi - pad, b[1] / fig.dpi - pad, b[2] / fig.dpi + pad, b[3] / fig.dpi + pad) for b in drawing.obstacles]
        avoid = (ax0 - 0.3, ay0 - 0.3, ax1 + 0.3, ay1 + 0.3)
        # The largest inset that hides (almost) nothing; else the least bad of three sizes.
        choices = []
        for k, share in enumerate((0.37, 0.31, 0.26)):
            width = min(mw * share, 3.3 * share / 0.37)
            option = sized(width, width / 1.45)
            position, score = _inset_place(box, (option[1], option[2] + INSET_TITLE_H), points, boxes, avoid)
            choices.append((score + k * 20, option, position))
            if score < 60:
                break
        _, (inset_frame, iw, ih), (cx, cy) = min(choices, key=lambda c: c[0])
    drawing.inset = (cx, cy, iw, ih)
    # Outline of the enlarged area on the main map, and a title over the inset.
    (ax0, ay0), (ax1, ay1) = to_in(inset_frame.x0, inset_frame.y0), to_in(inset_frame.x1, inset_frame.y1)
    fig.add_artist(Rectangle((ax0, ay0), ax1 - ax0, ay1 - ay0, transform=fig.dpi_scale_trans, facecolor="none", edgecolor=INK, linewidth=0.9, zorder=20))
    label = messages.frame_label(region.key, view.lang)
    fig.add_artist(Rectangle((cx, cy + ih), iw, INSET_TITLE_H, transform=fig.dpi_scale_trans, facecolor=INK, edgecolor=INK, linewidth=0.9, zorder=20))
    _text(fig, cx + 0.07, cy + ih + 0.1, t("export_inset", view.lang, region=label), ha="left", va="center_baseline", fontsize=7, fontweight="bold", color="white", zorder=21)
    # Smaller insets get slightly smaller labels, so the crowded names still fit; smaller again if one found no room.
    label_scale = min(0.85, max(0.7, 0.85 * iw / 3.0))
    inset = fig.add_axes((cx / fig.get_figwidth(), cy / fig.get_figheight(), iw / fig.get_figwidth(), ih / fig.get_figheight()), zorder=20)
    _setup_axes(inset, inset_frame, border=INK, border_w=0.9)
    _draw_content(fig, inset, dataset, view, inset_frame, _in_frame(contents.items, inset_frame), label_scale=label_scale, notes=contents.notes, label_shrinks=(1.0, 0.88, 0.78), area_lists=False)
    # A leader from the outlined area to the inset, under the map's symbols and labels.
    if slot is None:
        nearest = min(((cx, cy), (cx + iw, cy), (cx, cy + ih + INSET_TITLE_H), (cx + iw, cy + ih + INSET_TITLE_H)), key=lambda p: math.dist(p, ((ax0 + ax1) / 2, (ay0 + ay1) / 2)))
        corner = min(((ax0, ay0), (ax1, ay0), (ax0, ay1), (ax1, ay1)), key=lambda p: math.dist(p, nearest))
        to_data = lambda p: (frame.x0 + (p[0] - mx) / mw * (frame.x1 - frame.x0), frame.y0 + (p[1] - my) / mh * (frame.y1 - frame.y0))
        (lx0, ly0), (lx1, ly1) = to_data(corner), to_data(nearest)
        if math.dist(corner, nearest) < 2.0:  # a long leader would only cross the map's labels
            ax.plot([lx0, lx1], [ly0, ly1], color=MUTED, linewidth=0.6, linestyle=(0, (3, 2)), zorder=3.5)  # type: ignore[attr-defined]


def _draw_route(ax: object, legs: pd.DataFrame) -> None:
    for _, leg in legs.iterrows():
        head, main = leg_parts(leg)
        own = _user_row(leg)  # the analyst's own lines: the user colour, as in the app
        colour = style.USER_COLOUR if own else style.MODE_COLOURS[leg["mode"]]
        width = (style.USER_ROUTE_WIDTH_PX if own else style.MODE_WIDTH_PX[leg["mode"]]) * PX
        mxs, mys = mercator([p[0] for p in main], [p[1] for p in main])
        if leg.get("state") == "current":
            ax.plot(mxs, mys, color=rgba(style.EMPHASIS, 150 / 255), linewidth=width + 8 * PX, solid_capstyle="round", solid_joinstyle="round", zorder=4)  # type: ignore[attr-defined]
        dash = (0, style.DASH_CONTESTED) if bool(leg["is_contested"]) else "-"
        ax.plot(mxs, mys, color=rgba(colour), linewidth=width, linestyle=dash, dash_capstyle="round", solid_capstyle="round", solid_joinstyle="round", zorder=5, gid=f"leg-{leg['id']}")  # type: ignore[attr-defined]
        if head:
            hx, hy = mercator([p[0] for p in head], [p[1] for p in head])
            ax.plot(hx, hy, color=rgba(style.SCHEMATIC), linewidth=style.SCHEMATIC_WIDTH_PX * PX, linestyle=(0, style.DASH_SCHEMATIC), dash_capstyle="round", zorder=5)  # type: ignore[attr-defined]
        for x, y, angle in arrows_along(np.asarray(mxs), np.asarray(mys)):
            marker = MarkerStyle(_mpl.marker_path(style.ARROW_SYMBOL), transform=Affine2D().rotate_deg(angle))
            ax.plot([x], [y], marker=marker, markersize=_mpl.marker_size_pt(style.ARROW_SYMBOL, 13), color=rgba(colour), markeredgecolor="white", markeredgewidth=0.4, linestyle="none", zorder=6)  # type: ignore[attr-defined]


@lru_cache(maxsize=8)
def _slot_offsets_by_id(ids: tuple[str, ...], places: tuple[str, ...], starts: tuple[object, ...], lons: tuple[float, ...], lats: tuple[float, ...],
                        world_px: float) -> dict[str, tuple[float, float]]:
    """The app's grids of symbols sharing a place (rkmap/render/layer_parts.py slot_offsets), each on the side of its place
    with the most land at this image's scale (``world_px``: app pixels per world width), by event id; cached, an animation's
    frames share them."""
    frame = pd.DataFrame({"id": ids, "place_id": places, "start": starts, "lon": lons, "lat": lats})
    return {frame.at[i, "id"]: (float(o[0]), float(o[1])) for i, o in slot_offsets(frame, world_px).items()}


def _world_px(fig: Figure, ax: object) -> float:
    """App pixels (the offsets' unit, drawn at ``fig.dpi / 72 * PX`` display pixels each) per world width at this map's scale."""
    from rkmap.core.projection import EARTH_RADIUS_M

    (x0, _), (x1, _) = ax.transData.transform([(0.0, 0.0), (1e6, 0.0)])  # type: ignore[attr-defined]
    return float(x1 - x0) / 1e6 * 2 * math.pi * EARTH_RADIUS_M / (fig.dpi / 72 * PX)


AREA_INK = style.AREA_INK
AREA_LIST_ROWS = 6


def _area_outlines() -> dict[str, object]:
    """Country outlines by place id: layers/areas.py's, which the app draws too."""
    from rkmap.render.areas import area_outlines

    return area_outlines()


def _area_keys(events: pd.DataFrame) -> pd.Series:
    """The area each event is drawn on (rkmap/render/areas.py area_keys); an analyst's own polygon keeps its place."""
    from rkmap.render.areas import area_keys

    if events.empty:
        return area_keys(events)
    outlines = events["outline"] if "outline" in events.columns else pd.Series(None, index=events.index, dtype=object)
    own = _is_user(events).to_numpy(dtype=bool) & np.array([bool(_polygons(o)) for o in outlines], dtype=bool)
    return area_keys(events, own)


def _axes_region(fig: Figure, ax: object) -> tuple[object, int, int]:
    """The axes as a frame of the app's pixels (96 to the inch: an app pixel is ``PX`` points), for rkmap/render/areas.py."""
    from rkmap.core.frames import Region

    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()  # type: ignore[attr-defined]
    w, s = inverse_mercator(x0, y0)
    e, n = inverse_mercator(x1, y1)
    box = ax.get_position()  # type: ignore[attr-defined]
    width_in, height_in = box.width * fig.get_figwidth(), box.height * fig.get_figheight()
    return Region("export", float(w), float(s), float(e), float(n)), max(1, round(width_in * 72 / PX)), max(1, round(height_in * 72 / PX))


EXPORT_AREA_SURROUNDINGS = 0.05  # share of the map's size the hatch runs past its edge (clipped there): no gap at the edge


def _area_paths(area: str, first: pd.Series, region: object, width_px: int, height_px: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The area's outline rings and hatch lines as the app draws them (rkmap/render/areas.py), in Web Mercator metres."""
    from rkmap.core.projection import EARTH_RADIUS_M
    from rkmap.render.areas import area_lines_px

    own = first.get("outline") if _user_row(first) and _polygons(first.get("outline")) else None
    radius = first.get("radius_km")
    radius = 0.0 if radius is None or radius != radius else float(radius)
    scale, rings, hatch = area_lines_px(area, float(first["lon"]), float(first["lat"]), radius, region, width_px, height_px,  # type: ignore[arg-type]
                                        own=own, surroundings=EXPORT_AREA_SURROUNDINGS)
    world = 2 * math.pi * EARTH_RADIUS_M
    # World pixels (y down, 0 to ``scale``) to metres (y up, centred): the same linear map as rkmap/core/projection.py's.
    metres = lambda line: np.column_stack([(line[:, 0] / scale - 0.5) * world, (0.5 - line[:, 1] / scale) * world])
    return [metres(r) for r in rings], [metres(h) for h in hatch]


def _draw_vague_places(fig: Figure, ax: object, events: pd.DataFrame, drawing: MapDrawing, lang: str) -> None:
    """Events known only to a country or region: the area itself, hatched, with its events listed beside it.

    The outline and the hatch are the app's (rkmap/render/areas.py), at the app's
    pixel size on the page and in its ink, widths and opacities (rkmap/core/style.py):
    a country is drawn as its outline (no point stands for it), a region without
    an outline as a circle round its usual extent. The list box names the area
    and gives each event's date and title, with its symbol.
    """
    xlim, ylim = ax.get_xlim(), ax.get_ylim()  # type: ignore[attr-defined]
    renderer_box = ax.get_window_extent(fig.canvas.get_renderer())  # type: ignore[attr-defined]
    region, width_px, height_px = _axes_region(fig, ax)
    # Its few rows as plain objects: each group below would otherwise rebuild every Arrow-backed column (a tenth of a render).
    events = events.astype({name: object for name, dtype in events.dtypes.items() if isinstance(dtype, pd.StringDtype)})
    events = events.assign(_area=_area_keys(events), _own=_is_user(events))
    jobs = []
    # The shipped rows first: an area shared with the analyst's rows keeps the shipped name and look.
    for area, group in events.sort_values("_own", kind="stable").groupby("_area", sort=False):
        first = group.iloc[0]
        rings, hatch = _area_paths(str(area), first, region, width_px, height_px)
        if not rings and not hatch:
            continue
        # The analyst's own areas: the user colour, as in the app.
        ink = style.USER_COLOUR if bool(group["_own"].all()) else AREA_INK
        ax.add_collection(LineCollection(hatch, colors=[rgba(ink, style.AREA_HATCH_ALPHA)], linewidths=style.AREA_HATCH_WIDTH_PX * PX,  # type: ignore[attr-defined]
                                         zorder=2.5, gid=f"area-hatch-{area}"), autolim=False)
        ax.add_collection(LineCollection(rings, colors=[rgba(ink, style.AREA_OUTLINE_ALPHA)], linewidths=style.AREA_OUTLINE_WIDTH_PX * PX,  # type: ignore[attr-defined]
                                         linestyles=[(0, style.AREA_OUTLINE_DASH)], zorder=2.5, gid=f"area-outline-{area}"), autolim=False)
        # The list, at the area's usual point; when that lies outside the map, at the nearest point of the
        # area's hatch inside it (a leader from the map's corner pointed at nothing: Russia on the Rajin-Dunai map).
        x, y = (float(v) for v in mercator(float(first["lon"]), float(first["lat"])))
        if not (xlim[0] <= x <= xlim[1] and ylim[0] <= y <= ylim[1]):
            x, y = min(max(x, xlim[0]), xlim[1]), min(max(y, ylim[0]), ylim[1])
            inside = [p for line in hatch for p in ((line[0] + line[-1]) / 2,) if xlim[0] <= p[0] <= xlim[1] and ylim[0] <= p[1] <= ylim[1]]
            if inside:
                x, y = (float(v) for v in min(inside, key=lambda p: math.hypot(p[0] - x, p[1] - y)))
        px, py = ax.transData.transform((x, y))  # type: ignore[attr-defined]
        drawing.list_anchors[str(area)] = (float(px), float(py))
        job = (fig, ax, group, str(localized(first, "place_name", lang)), (px, py), renderer_box, drawing, lang)
        jobs.append(job)
    # All the lists laid out together, so that none is drawn over another.
    if not drawing.area_lists:
        return
    if drawing.defer_lists:
        drawing.pending_lists.extend(jobs)
    else:
        _draw_area_lists(jobs)


def _ellipsized(text: str, lang: str, size: float, max_pt: float | None) -> str:
    """``text`` cut (at a word where it can) with an ellipsis so it is at most ``max_pt`` wide; as it is when it fits."""
    if max_pt is None or _mpl.text_width_pt(text, lang, size) <= max_pt:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with its ellipsis
        mid = (lo + hi + 1) // 2
        if _mpl.text_width_pt(text[:mid].rstrip() + "…", lang, size) <= max_pt:
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    if " " in cut and lang != "ja" and cut.rfind(" ") > lo * 0.6:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ·,;:–-") + "…"


# The area lists tried in turn until one has a free spot (the label rule): all rows at full length, then
# long titles cut to a width (inches), then fewer rows, then the area's name alone with its count. ``None``: no cut.
AREA_LIST_FORMS = ((AREA_LIST_ROWS, None), (AREA_LIST_ROWS, 3.6), (AREA_LIST_ROWS, 2.6), (3, 2.6), (2, 2.0), (1, 1.6), (0, None))
AREA_LIST_SIZE = 6.2  # points
AREA_LIST_RINGS = (1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 10, 13, 16, 20)


class _AreaListForms:
    """The list's forms, fullest first (AREA_LIST_FORMS): each (rows shown, text lines, width and height in inches).

    Made when first asked for: most lists fit in their first form or two, and
    measuring every form's titles was most of the lists' layout time.
    """

    def __init__(self, group: pd.DataFrame, name: str, lang: str) -> None:
        from rkmap.core.text import row_span

        self.count, self.name, self.lang = len(group), name, lang
        ordered = group.sort_values(["start", "id"]).head(max(rows for rows, _ in AREA_LIST_FORMS))
        self.rows = ordered
        # Each row's date span and title, read once for every form.
        self.parts = [(f"{row_span(row, lang)} · ", _one_line(localized(row, "title", lang))) for _, row in ordered.iterrows()]
        self.made: dict[int, tuple[pd.DataFrame, list[str], float, float]] = {}

    def __len__(self) -> int:
        return len(AREA_LIST_FORMS)

    def __getitem__(self, f: int) -> tuple[pd.DataFrame, list[str], float, float]:
        if f not in self.made:
            self.made[f] = self._make(*AREA_LIST_FORMS[f])
        return self.made[f]

    def _make(self, max_rows: int, max_in: float | None) -> tuple[pd.DataFrame, list[str], float, float]:
        size, lang = AREA_LIST_SIZE, self.lang
        line_h = size * 1.35 / 72  # inches
        texts = [
            span + _ellipsized(title, lang, size, None if max_in is None else max(24.0, max_in * 72 - _mpl.text_width_pt(span, lang, size)))
            for span, title in self.parts[:max_rows]
        ]
        if self.count > max_rows:  # with no row shown, "… and 3 more" would follow nothing
            texts.append(t("area_more", lang, count=self.count - max_rows) if max_rows else t("area_only_count", lang, count=self.count))
        width = max([_mpl.text_width_pt(self.name, lang, size, "bold")] + [_mpl.text_width_pt(x, lang, size) + 12 for x in texts]) / 72 + 0.16
        height = (len(texts) + 1) * line_h + 0.12
        return self.rows.head(max_rows), texts, width, height


def _area_list_forms(group: pd.DataFrame, name: str, lang: str) -> _AreaListForms:
    """The list's forms, fullest first: (rows shown, text lines, width and height in inches), made as asked for."""
    return _AreaListForms(group, name, lang)


def _draw_area_lists(jobs: list[tuple]) -> None:
    """The event lists of the areas, laid out together.

    Each list goes beside its area's point where it hides no symbol, line, label,
    map furniture, the inset or another list (the label rule). A list with no free
    spot is made more compact (long titles cut, then fewer rows with '… and N more',
    then its name alone); when even that has no room, the biggest list placed
    before it is made more compact in turn, and the layout starts again. A list
    that finds no room at all is left out (named in ``drawing.dropped``), never
    drawn over anything.
    """
    from rkmap.render.labels import LabelRequest, place_labels

    if not jobs:
        return
    forms = [_area_list_forms(job[2], job[3], job[7]) for job in jobs]
    start = [0] * len(jobs)
    active = list(range(len(jobs)))
    best: tuple[tuple[int, int], list] | None = None
    while True:
        chosen: list[tuple[int, int, object]] = []
        taken: list[tuple[float, float, float, float]] = []
        failed = None
        for i in active:
            fig, ax, group, name, anchor_px, axes_box, drawing, lang = jobs[i]
            dpi = fig.dpi
            frame_px = (axes_box.x0 + 4, axes_box.y0 + 4, axes_box.x1 - 4, axes_box.y1 - 4)
            for f in range(start[i], len(forms[i])):
                _, _, width, height = forms[i][f]
                placed, _ = place_labels(
                    [LabelRequest(name, anchor_px, (width * dpi, height * dpi), 10, "right", 0.05 * dpi)],
                    frame=frame_px, symbols=[*drawing.obstacles, *taken], lines=drawing.lines, reserved=drawing.reserved, gap=0.1 * dpi, pad=0.3, rings=AREA_LIST_RINGS, leaders_avoid_symbols=False,
                )
                if placed:
                    chosen.append((i, f, placed[0]))
                    taken.append(placed[0].box)
                    break
            else:
                failed = i
                break
        if failed is None and not chosen:  # every list left out
            break
        if failed is None:
            # Kept if the most shortened list is less short than before; and while a list had to be shortened
            # well beyond one placed before it, that one is shortened instead and the layout tried again.
            score = (max(f for _, f, _ in chosen), sum(f for _, f, _ in chosen))
            if best is None or score < best[0]:
                best = (score, chosen)
            worst = max(f for _, f, _ in chosen)
            before = chosen[: [f for _, f, _ in chosen].index(worst)]
            fuller = [(f, -forms[i][f][2] * forms[i][f][3], i) for i, f, _ in before if f + 1 < worst]
            if not fuller:
                break
            f, _, i = min(fuller)
            start[i] = f + 1
            continue
        # Room for this list is made by shortening the biggest list placed before it; failing that, it is left out.
        shorter = [(forms[i][f][2] * forms[i][f][3], i, f) for i, f, _ in chosen if f + 1 < len(forms[i])]
        if shorter:
            _, i, f = max(shorter)
            start[i] = f + 1
        else:
            active.remove(failed)
            jobs[failed][6].dropped.append(jobs[failed][3])
    for i, f, spot in best[1] if best is not None else ():
        _draw_list_box(jobs[i], forms[i][f], spot)


def _draw_list_box(job: tuple, form: tuple, spot: object) -> None:
    fig, ax, group, header, anchor_px, axes_box, drawing, lang = job
    rows, texts, width, height = form
    size = AREA_LIST_SIZE
    line_h = size * 1.35 / 72  # inches
    dpi = fig.dpi
    x0, y0 = spot.box[0] / dpi, spot.box[1] / dpi
    if spot.leader is not None:
        to_data = ax.transData.inverted()  # type: ignore[attr-defined]
        (sx, sy), (ex, ey) = to_data.transform(spot.leader[0]), to_data.transform(spot.leader[1])
        area = group["_area"].iloc[0] if "_area" in group.columns else ""
        ax.plot([sx, ex], [sy, ey], color=rgba(AREA_INK, 0.7), linewidth=0.6, linestyle=(0, (3, 2)), zorder=10.5, gid=f"area-list-leader-{area}")  # type: ignore[attr-defined]
    tr = fig.dpi_scale_trans
    box = FancyBboxPatch((x0, y0), width, height, boxstyle="round,pad=0,rounding_size=0.04", transform=tr, facecolor=(1, 1, 1, 0.9), edgecolor=rgba(AREA_INK, 0.7), linewidth=0.7, linestyle=(0, (3, 1.5)), zorder=11)
    ax.add_artist(box)  # type: ignore[attr-defined]
    top = y0 + height - 0.06
    ax.text(x0 + 0.08, top, header, transform=tr, ha="left", va="top", fontsize=size, fontweight="bold", color=INK, zorder=12, parse_math=False, clip_on=False)  # type: ignore[attr-defined]
    marker = MarkerStyle(_mpl.marker_path(style.EVENT_SYMBOL))
    for k, (text, (_, row)) in enumerate(zip(texts, [*rows.iterrows(), *[(None, None)] * (len(texts) - len(rows))])):
        y = top - (k + 1) * line_h
        if row is not None:
            colour, symbol = _event_look(row)
            marker = MarkerStyle(_mpl.marker_path(symbol))
            contested = bool(row["is_contested"])
            ms = _mpl.marker_size_pt(style.EVENT_SYMBOL, style.EVENT_SIZE_PX) * 0.75
            if row.get("state") == "current":
                ax.plot([x0 + 0.12], [y - line_h / 2], transform=tr, marker=marker, markersize=ms * 1.7, markerfacecolor=rgba(style.EMPHASIS, 220 / 255), markeredgewidth=0, linestyle="none", zorder=12, clip_on=False)  # type: ignore[attr-defined]
            ax.plot([x0 + 0.12], [y - line_h / 2], transform=tr, marker=marker, markersize=ms, markerfacecolor="white" if contested else rgba(colour), markeredgecolor=rgba(colour), markeredgewidth=1.0, linestyle="none", zorder=13, clip_on=False)  # type: ignore[attr-defined]
        ax.text(x0 + 0.22, y, text, transform=tr, ha="left", va="top", fontsize=size, color=INK if row is not None else MUTED, zorder=12, parse_math=False, clip_on=False)  # type: ignore[attr-defined]
    extent = (x0 * dpi, y0 * dpi, (x0 + width) * dpi, (y0 + height) * dpi)
    drawing.obstacles.append(extent)
    drawing.symbols.append(extent)


def _draw_events(fig: Figure, ax: object, dataset: Dataset, events: pd.DataFrame, drawing: MapDrawing, lang: str = "en") -> None:
    if events.empty:
        return
    all_events = dataset.events
    # Every shown event known only to an area, before identical symbols are merged below: its list counts them all.
    vague = events[events["is_area"].astype(bool)]
    if len(all_events) > style.LARGE_EVENT_COUNT:
        # As on the map: identical symbols drawn once (a current one if any is current).
        events = (
            events.assign(_current=events["state"] == "current")
            .sort_values("_current", ascending=False, kind="stable")
            .drop_duplicates(["lon", "lat", "kind", "is_contested"])
        )
        offsets: dict[str, tuple[float, float]] = {}
    else:
        # Cells from all the place's events (drawn or not), so symbols keep their spot from date to date.
        offsets = _slot_offsets_by_id(tuple(all_events["id"]), tuple(all_events["place_id"]), tuple(all_events["start"]),
                                      tuple(all_events["lon"].astype(float)), tuple(all_events["lat"].astype(float)), round(_world_px(fig, ax), 6))
    symbol = style.EVENT_SYMBOL
    marker = MarkerStyle(_mpl.marker_path(symbol))
    for _, event in events[~events["is_area"].astype(bool)].iterrows():
        x, y = (float(v) for v in mercator(float(event["lon"]), float(event["lat"])))
        colour, symbol = _event_look(event)
        marker = MarkerStyle(_mpl.marker_path(symbol))
        contested = bool(event["is_contested"])
        dx, dy = offsets.get(event["id"], (0.0, 17.0))
        transform = _offset(fig, ax, dx, dy)
        size = _mpl.marker_size_pt(symbol, style.EVENT_SIZE_PX)
        if event.get("state") == "current":
            ax.plot([x], [y], transform=transform, marker=marker, markersize=_mpl.marker_size_pt(symbol, style.EVENT_SIZE_PX + 12), markerfacecolor=rgba(style.EMPHASIS, 220 / 255), markeredgewidth=0, linestyle="none", zorder=7)  # type: ignore[attr-defined]
        if contested:
            ax.plot([x], [y], transform=transform, marker=marker, markersize=size, markerfacecolor="white", markeredgecolor=rgba(colour), markeredgewidth=1.6, linestyle="none", zorder=8)  # type: ignore[attr-defined]
        else:
            ax.plot([x], [y], transform=transform, marker=marker, markersize=size, markerfacecolor=rgba(colour), markeredgecolor="white", markeredgewidth=0.4, linestyle="none", zorder=8)  # type: ignore[attr-defined]
        drawing.add_point(fig, ax, x, y, size + 2, dx, dy)
    if not vague.empty:
        _draw_vague_places(fig, ax, vague, drawing, lang)


_ALIGN = {
    "right": ("left", "center_baseline"),
    "left": ("right", "center_baseline"),
    "above": ("center", "bottom"),
    "below": ("center", "top"),
    "above-right": ("left", "bottom"),
    "below-right": ("left", "top"),
    "above-left": ("right", "bottom"),
    "below-left": ("right", "top"),
}
_CANDIDATES = tuple(_ALIGN)



PLACE_LABEL_PT = 14 * PX  # the app's 14 px place labels
LABEL_GAP_PT = style.LABEL_GAP_PX * PX * 0.8  # from a symbol's edge to its label's box, unmoved
# A label may lie at most this many of its font sizes from its symbol's edge (with a leader line);
# further out it is dropped: on a crowded map a far label (Pyongyang's once sat by Komsomolsk) names the wrong place.
LABEL_MAX_MOVE_EM = 3.0
LEADER_WIDTH_PT = 0.8
PLACE_PRIORITY = {"capital": 5, "spaceport": 4, "port": 4, "border_crossing": 4, "city": 3, "rail_hub": 3}
CURRENT_PLACE_PRIORITY = 10  # above every kind: a place of an event at the as-of date keeps its name first


def _draw_places(
    fig: Figure, ax: object, places: pd.DataFrame, lang: str, drawing: MapDrawing, unlabelled: Frame | None = None, hidden_kinds: tuple[str, ...] = (), label_scale: float = 1.0,
    notes: dict[str, tuple[int, ...]] | None = None, reserved: tuple[tuple[float, float, float, float], ...] = (), label_shrinks: tuple[float, ...] = (),
    current: frozenset[str] = frozenset(),
) -> None:
    """Place symbols, then their labels laid out by :func:`rkmap.render.labels.place_labels`.

    A label never covers another label, a symbol or a route line: it moves
    round its symbol, then further out with a leader line, and is dropped
    (lowest priority first) when no spot is free. A place with an event at
    the as-of date (``current``: place ids) goes before the others: the image's
    "at the as-of date" list names it. Labels carry the numbers of their
    sources in the image's source list.
    """
    from rkmap.render.labels import place_labels

    halo_pt = 1.6
    halo = [patheffects.withStroke(linewidth=2 * halo_pt, foreground=rgba(style.LABEL_HALO, 235 / 255))]
    positions = []
    for _, place in places.iterrows():
        x, y = (float(v) for v in mercator(float(place["lon"]), float(place["lat"])))
        symbol = style.PLACE_SYMBOLS[place["kind"]]
        size = _mpl.marker_size_pt(symbol, style.PLACE_SIZE_PX)
        ink = style.USER_COLOUR if _user_row(place) else style.PLACE_INK
        ax.plot([x], [y], marker=MarkerStyle(_mpl.marker_path(symbol)), markersize=size, markerfacecolor=rgba(ink), markeredgecolor="white", markeredgewidth=0.5, linestyle="none", zorder=9)  # type: ignore[attr-defined]
        drawing.add_point(fig, ax, x, y, size)
        drawing.place_centres.append(tuple(ax.transData.transform((x, y))))  # type: ignore[attr-defined]
        positions.append((place, x, y, size))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = ax.get_window_extent(renderer)  # type: ignore[attr-defined]
    scale = fig.dpi / 72  # display pixels per point
    halo_px = halo_pt * scale
    # A crowded map (a small inset) tries smaller labels before it drops one.
    shrinks = label_shrinks or (1.0,)
    best: tuple | None = None
    for shrink in shrinks:
        requests, texts = _label_requests(ax, renderer, positions, lang, notes, unlabelled, hidden_kinds, label_scale * shrink, halo, halo_px, scale, current)
        frame_box = (axes_box.x0 + 2, axes_box.y0 + 2, axes_box.x1 - 2, axes_box.y1 - 2)
        font_pt = PLACE_LABEL_PT * label_scale * shrink
        placed, dropped = place_labels(
            requests, frame=frame_box, symbols=drawing.obstacles, lines=drawing.lines, reserved=reserved, gap=LABEL_GAP_PT * scale, pad=0.5 * scale,
            max_move=LABEL_MAX_MOVE_EM * font_pt * scale, rivals=drawing.place_centres,
        )
        # A smaller size is kept only if it drops fewer labels; else the larger labels stay (a label kept
        # off by another place's symbol may stay off at every size), and the next size is tried.
        if best is None or len(dropped) < len(best[3]):
            loser = best[1] if best is not None else {}
            best = (requests, texts, placed, dropped)
        else:
            loser = texts
        for label, _ in loser.values():
            label.remove()
        if not best[3]:
            break
    assert best is not None
    _commit_labels(ax, drawing, *best, halo_px, scale)


def _label_requests(ax: object, renderer: object, positions: list, lang: str, notes: dict | None, unlabelled: Frame | None, hidden_kinds: tuple[str, ...], label_scale: float, halo: list, halo_px: float, scale: float,
                    current: frozenset[str] = frozenset()) -> tuple[list, dict]:
    from rkmap.render.labels import LabelRequest

    requests, texts = [], {}
    for place, x, y, size in positions:
        if (unlabelled is not None and unlabelled.contains(x, y)) or place["kind"] in hidden_kinds:
            continue
        key = str(place["id"])
        plain = _one_line(localized(place, "name", lang))
        name = plain + note_marks((notes or {}).get(key, ()))
        label = ax.annotate(  # type: ignore[attr-defined]
            name, xy=(x, y), xytext=(0, 0), textcoords="offset points", ha="left", va="bottom",
            fontsize=PLACE_LABEL_PT * label_scale, fontweight="bold", color=rgba(style.PLACE_INK), path_effects=halo,
            parse_math=False, zorder=10, annotation_clip=False, gid=f"place-{key}",
        )
        px, py = ax.transData.transform((x, y))  # type: ignore[attr-defined]
        bb = label.get_window_extent(renderer)
        # The label as it is, on two lines, then without its source marks (they go where they fit).
        variants = [(name, bb)]
        for text in (_two_lines(name), plain if plain != name else None, _two_lines(plain) if plain != name else None):
            if text:
                label.set_text(text)
                variants.append((text, label.get_window_extent(renderer)))
        label.set_text(name)
        preferred, _ = style.label_placement(key)
        boxes = [(v.width + 2 * halo_px, v.height + 2 * halo_px) for _, v in variants]
        priority = PLACE_PRIORITY.get(place["kind"], 1) + (CURRENT_PLACE_PRIORITY if key in current else 0)
        requests.append(LabelRequest(key, (px, py), boxes[0], priority, preferred, size * scale / 2, tuple(boxes[1:])))
        texts[key] = (label, [(text, v.x0 - px, v.y0 - py) for text, v in variants])
    return requests, texts


def _commit_labels(ax: object, drawing: MapDrawing, requests: list, texts: dict, placed: list, dropped: list, halo_px: float, scale: float) -> None:
    to_data = ax.transData.inverted()  # type: ignore[attr-defined]
    for spot in placed:
        label, variants = texts[spot.key]
        text, dx, dy = variants[spot.variant]
        label.set_text(text)
        ox, oy = spot.box[0] + halo_px - requests_anchor(requests, spot.key)[0] - dx, spot.box[1] + halo_px - requests_anchor(requests, spot.key)[1] - dy
        label.xyann = (ox / scale, oy / scale)
        request = next(r for r in requests if r.key == spot.key)
        drawing.labels.append(label)
        drawing.label_anchors.append((*request.anchor, request.clearance, float(label.get_fontsize())))
        drawing.obstacles.append(spot.box)
        if spot.leader is not None:
            (sx, sy), (ex, ey) = to_data.transform(spot.leader[0]), to_data.transform(spot.leader[1])
            # Dark, with a white casing: a leader too faint to see lets the label read as its neighbour's.
            (leader,) = ax.plot([sx, ex], [sy, ey], color=rgba(style.PLACE_INK), linewidth=LEADER_WIDTH_PT, zorder=9.5, solid_capstyle="round",  # type: ignore[attr-defined]
                                path_effects=[patheffects.withStroke(linewidth=LEADER_WIDTH_PT + 1.6, foreground=rgba(style.LABEL_HALO, 0.9))])
            drawing.leaders[len(drawing.labels) - 1] = leader
    for key in dropped:
        texts[key][0].remove()
    drawing.dropped.extend(dropped)


def _two_lines(name: str) -> str | None:
    """A long label on two lines, broken at the space or dash nearest its middle (None if it has none)."""
    if len(name) < 14:
        return None
    breaks = [k for k, ch in enumerate(name) if ch in " –-・"]
    if not breaks:
        return None
    k = min(breaks, key=lambda i: abs(i - len(name) / 2))
    head, tail = (name[: k + 1], name[k + 1 :]) if name[k] in "–-・" else (name[:k], name[k + 1 :])
    return head.rstrip() + "\n" + tail.lstrip()


def requests_anchor(requests: list[object], key: str) -> tuple[float, float]:
    return next(r.anchor for r in requests if r.key == key)  # type: ignore[attr-defined]



def _draw_scale_bar(fig: Figure, frame: Frame, lang: str, box: tuple[float, float, float, float]) -> None:
    mx, my, mw, mh = box
    lat = frame.centre_lat
    metres_per_inch = (frame.x1 - frame.x0) / mw * _mpl.ground_metres_per_unit(lat)
    km = _mpl.nice_length(metres_per_inch * mw * 0.2 / 1000)
    bar_w = km * 1000 / metres_per_inch
    label = f"{km:,.0f} km" if km >= 1 else f"{km * 1000:,.0f} m"
    note = t("export_scale_note", lang, lat=f"{abs(lat):.0f}°{'N' if lat >= 0 else 'S'}")
    tr = fig.dpi_scale_trans
    x0, y0 = mx + 0.16, my + 0.14
    pad = 0.08
    note_w = _mpl.text_width_pt(note, lang, 6.0) / 72
    label_w = _mpl.text_width_pt(label, lang, 6.5) / 72
    panel_w = max(bar_w + label_w + 0.1, note_w) + 2 * pad
    fig.add_artist(FancyBboxPatch((x0 - pad, y0 - 0.06), panel_w, 0.38, boxstyle="round,pad=0,rounding_size=0.04", transform=tr, facecolor=(1, 1, 1, 0.85), edgecolor=(0.7, 0.72, 0.75), linewidth=0.5, zorder=11))
    bar_h = 0.05
    by = y0 + 0.13
    for i in range(4):
        fig.add_artist(Rectangle((x0 + i * bar_w / 4, by), bar_w / 4, bar_h, transform=tr, facecolor=INK if i % 2 == 0 else "white", edgecolor=INK, linewidth=0.5, zorder=12))
    _text(fig, x0, by + bar_h + 0.03, "0", ha="center", va="bottom", fontsize=6.5, zorder=12)
    _text(fig, x0 + bar_w, by + bar_h + 0.03, label, ha="center", va="bottom", fontsize=6.5, zorder=12, gid="scale-label")
    _text(fig, x0, y0, note, ha="left", va="bottom", fontsize=6.0, color=MUTED, zorder=12)


def _draw_north_arrow(fig: Figure, box: tuple[float, float, float, float]) -> None:
    """Top left of the map: north is up everywhere in Web Mercator."""
    mx, my, mw, mh = box
    tr = fig.dpi_scale_trans
    cx, cy = mx + 0.3, my + mh - 0.32
    fig.add_artist(Circle((cx, cy), 0.19, transform=tr, facecolor=(1, 1, 1, 0.85), edgecolor=(0.7, 0.72, 0.75), linewidth=0.5, zorder=11))
    fig.add_artist(Polygon([(cx, cy + 0.02 + 0.1), (cx + 0.075, cy - 0.13), (cx, cy - 0.08), (cx - 0.075, cy - 0.13)], closed=True, transform=tr, facecolor=INK, edgecolor="none", zorder=12))
    _text(fig, cx, cy + 0.2, "N", ha="center", va="bottom", fontsize=7.5, fontweight="bold", zorder=12)


# --------------------------------------------------------------------------- entry points
def build_figure(dataset: Dataset, view: MapView, options: ExportOptions, pin: Pin | None = None, decide_inset: bool = False) -> Figure:
    """The export as a matplotlib Figure (call inside ``mpl.rc_context(_mpl.rc_params(lang))``).

    With ``pin``, the layout (source list height, legend, inset) is the pinned one;
    the figure's ``briefing_pin`` is the layout it used, to pin other frames to.
    """
    dataset = valid_coordinates(dataset)  # no row whose coordinates cannot be drawn (rkmap/core/coordinates.py)
    preset = options.preset
    width, height = preset.inches
    fig = Figure(figsize=(width, height), dpi=options.dpi_used, facecolor="white")
    _agg_text.Canvas(fig)
    banner = _one_line(options.banner or "")
    # The frame depends on the map box, which depends on how many sources are listed:
    # settle it in two passes (the second is almost always the same).
    lay = make_layout(width, height, bool(banner), len(dataset.sources))
    region = region_of(view.region, dataset)
    for _ in range(3):
        mx, my, mw, mh = lay.map_box
        frame, aspect = fit_frame(region, mw / mh)
        contents = export_contents(dataset, view, frame)
        new_lay = make_layout(width, height, bool(banner), len(contents.sources))
        if new_lay == lay:
            break
        lay = new_lay
    # Whatever happened above, the layout fits this source list; the map letterboxes to its frame.
    n_sources = max(len(contents.sources), pin.n_sources) if pin else len(contents.sources)
    lay = make_layout(width, height, bool(banner), n_sources)
    if pin is not None:
        mx, my, mw, mh = lay.map_box
        frame, aspect = fit_frame(region, mw / mh)
        contents = export_contents(dataset, view, frame)
        contents.legend = list(pin.legend)
    title = _one_line(options.title) if options.title is not None else default_title(view)
    subtitle = _one_line(options.subtitle) if options.subtitle is not None else default_subtitle(view)
    if banner:
        _draw_banner(fig, lay, banner, view.lang)
    _draw_header(fig, lay, view, title, subtitle)
    legend_end = _draw_side(fig, lay, view, contents)
    room = legend_end - 0.12 - lay.body_bottom
    slot = (lay.side_x, lay.body_bottom, lay.side_w, room) if room >= 1.5 else None
    drawing = _draw_map(fig, lay, dataset, view, frame, aspect, contents, slot, None if decide_inset else pin)
    if drawing.inset is None or drawing.inset[0] < lay.side_x:
        _draw_in_focus(fig, lay, view, contents, legend_end)
    fig.briefing_pin = Pin(n_sources, tuple(contents.legend), drawing.inset)  # type: ignore[attr-defined]
    _draw_sources(fig, lay, contents.sources, view.lang)
    _draw_footer(fig, lay, view, contents.credits, _data_end(dataset, view), user_files_line(dataset, view.lang))
    return fig


def render(dataset: Dataset, view: MapView, options: ExportOptions = ExportOptions()) -> bytes:
    """The export as the bytes of a PNG, PDF or SVG file."""
    options = options.validated()
    with mpl.rc_context(_mpl.rc_params(view.lang)):
        fig = build_figure(dataset, view, options)
        buffer = io.BytesIO()
        if options.fmt == "png":
            _write_png(fig, buffer, options.dpi_used)
        else:
            fig.savefig(buffer, format=options.fmt, dpi=options.dpi_used, metadata=_mpl.SAVE_METADATA[options.fmt], facecolor="white")
    if options.fmt == "svg":
        # Texts drawn through a path effect (a place label's halo) leave no string in the SVG: named by their artists.
        drawn_as_paths = {text.get_gid(): text.get_text() for text in fig.findobj(Text) if text.get_gid() and text.get_path_effects()}
        return _mpl.svg_with_text_titles(buffer.getvalue(), drawn_as_paths)
    return buffer.getvalue()


def _write_png(fig: Figure, buffer: io.BytesIO, dpi: int) -> None:
    """RGB PNG (no alpha: smaller, faster) with the print size and no other metadata."""
    fig.canvas.draw()
    buffer.write(_mpl.encode_png(np.asarray(fig.canvas.buffer_rgba()), dpi))  # type: ignore[attr-defined]


def plan_layout(dataset: Dataset, view: MapView, days: list, options: ExportOptions = ExportOptions()) -> Pin:
    """One layout for frames at ``days``: the last day's inset, a legend of everything any frame shows, room for the longest source list."""
    options = options.validated()
    banner = bool(_one_line(options.banner or ""))
    most, needs = 0, LegendNeeds()
    for day in days:
        lay = make_layout(*options.preset.inches, banner, len(dataset.sources))
        frame, _ = fit_frame(region_of(view.region, dataset), lay.map_box[2] / lay.map_box[3])
        contents = export_contents(dataset, view.with_(as_of=day), frame)
        most = max(most, len(contents.sources))
        needs = needs | legend_needs(contents.items, view.layers)
    draft = Pin(most, tuple(needs.entries()), None)
    with mpl.rc_context(_mpl.rc_params(view.lang)):
        fig = build_figure(dataset, view.with_(as_of=max(days)), options, draft, decide_inset=True)
    return Pin(most, draft.legend, fig.briefing_pin.inset)  # type: ignore[attr-defined]


def render_png_array(dataset: Dataset, view: MapView, options: ExportOptions = ExportOptions(), pin: Pin | None = None) -> np.ndarray:
    """The export as an RGB pixel array (frames of animations; ``pin``: one layout for all)."""
    options = options.validated()
    with mpl.rc_context(_mpl.rc_params(view.lang)):
        fig = build_figure(dataset, view, options, pin)
        fig.canvas.draw()
        return np.array(np.asarray(fig.canvas.buffer_rgba())[..., :3])  # type: ignore[attr-defined]


def render_to_file(dataset: Dataset, view: MapView, options: ExportOptions, out: Path) -> int:
    data = render(dataset, view, options)
    Path(out).write_bytes(data)
    return len(data)


def image_size(options: ExportOptions) -> tuple[int, int]:
    """Pixel size of a PNG export with these options."""
    preset = options.validated().preset
    scale = options.dpi_used / preset.dpi
    return int(preset.inches[0] * preset.dpi * scale), int(preset.inches[1] * preset.dpi * scale)
