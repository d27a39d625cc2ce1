"""Briefing-grade static exports of the map view: PNG, PDF and SVG.

``render(dataset, view, options) -> bytes`` draws the current view with
matplotlib (Agg, no pyplot, no browser): the same visible items as the map
(``layers.view.visible_items``), the same colours, symbols and legend entries
(``layers.style``), in Web Mercator like the interactive map, plus a title,
the as-of date, a legend, a scale bar, a north arrow, the numbered sources of
the features in the frame, the data credits and an optional banner.

Deterministic: fixed sizes, dpi, fonts and rc parameters, and no dates in the
file metadata, so the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Circle, FancyBboxPatch, PathPatch, Polygon, Rectangle
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Affine2D, ScaledTranslation
from matplotlib import patheffects
from shapely.geometry import box as shapely_box, shape
from shapely.geometry.polygon import orient

from briefing import _mpl
from briefing._mpl import PX, mercator, rgba
from geodata import Dataset
from layers import style
from layers.style import LegendEntry
from layers.text import format_date
from layers.basemap import STATIC_DIR
from layers.view import REGIONS, MapView, VisibleItems, leg_parts, localized, visible_items
from ui.i18n import t

REPO_DIR = Path(__file__).resolve().parent.parent
BASEMAP_DIR = STATIC_DIR / "basemap"
FORMATS = ("png", "pdf", "svg")
MAX_TITLE = 120
MAX_SUBTITLE = 200
MAX_BANNER = 80
RAIL_CREDIT = "Rail line © OpenStreetMap contributors (ODbL)"
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

    def validated(self) -> "ExportOptions":
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
        w, s = _mpl.inverse_mercator(self.x0, self.y0)
        e, n = _mpl.inverse_mercator(self.x1, self.y1)
        return w, s, e, n

    @property
    def centre_lat(self) -> float:
        return _mpl.inverse_mercator(0.0, (self.y0 + self.y1) / 2)[1]

    def contains(self, x: float, y: float, margin: float = 0.0) -> bool:
        return self.x0 - margin <= x <= self.x1 + margin and self.y0 - margin <= y <= self.y1 + margin


@dataclass(frozen=True)
class SourceLine:
    number: int
    source_id: str
    text: str


@dataclass
class Contents:
    """What an export shows: items in the frame, legend entries, sources, credits."""

    items: VisibleItems
    legend: list[LegendEntry]
    sources: list[SourceLine]
    credits: str
    in_focus: list[str] = field(default_factory=list)


@cache
def basemap_bounds() -> tuple[float, float, float, float]:
    """The lon/lat box the offline land polygons cover: frames stay inside it."""
    meta = json.loads((BASEMAP_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    w, s, e, n = meta["files"]["land.geojson"]["bbox_lonlat"]
    return float(w), float(s), float(e), float(n)


@cache
def credit_line() -> str:
    meta = json.loads((BASEMAP_DIR / "SOURCES.json").read_text(encoding="utf-8"))
    return " · ".join([*(str(c).strip() for c in meta.get("credit", [])), RAIL_CREDIT])


def fit_frame(region_key: str, aspect: float) -> tuple[Frame, float]:
    """The region's box grown to ``aspect`` (width/height), kept inside the basemap.

    Returns the frame and the aspect it has: where the basemap is too small to
    grow the box that far, the map is letterboxed instead of showing empty sea.
    """
    region = REGIONS[region_key]
    (x0, x1), (y0, y1) = (np.asarray(v) for v in mercator([region.west, region.east], [region.south, region.north]))
    (bx0, bx1), (by0, by1) = (np.asarray(v) for v in mercator(*np.array(basemap_bounds()).reshape(2, 2).T))
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
        radius = np.where(events["is_area"].to_numpy(dtype=bool), radius_km * 1000 / np.cos(np.radians(events["lat"].to_numpy(dtype=float))), 0.0)
        margin = radius * 0.7
        keep = (ex >= frame.x0 - margin) & (ex <= frame.x1 + margin) & (ey >= frame.y0 - margin) & (ey <= frame.y1 + margin)
        events = events[keep]
    return VisibleItems(places=places.reset_index(drop=True), route_legs=legs.reset_index(drop=True), events=events.reset_index(drop=True))


def _area_radius_m(event: pd.Series) -> float:
    """Radius of an area symbol in Mercator metres (deck.gl scales metres at the position)."""
    radius_km = event.get("radius_km")
    radius_km = 0.0 if radius_km is None or radius_km != radius_km else float(radius_km)
    return radius_km * 1000 / _mpl.ground_metres_per_unit(float(event["lat"]))


def legend_entries(items: VisibleItems, layers: frozenset[str]) -> list[LegendEntry]:
    """Entries for what the export shows, from the shared style definitions."""
    entries: list[LegendEntry] = []
    if "places" in layers and not items.places.empty:
        entries += style.place_legend(sorted(set(items.places["kind"])))
    if "route" in layers and not items.route_legs.empty:
        entries += style.route_legend(sorted(set(items.route_legs["mode"])))
        if (items.route_legs["schematic_head_vertices"] >= 2).any():
            entries.append(style.SCHEMATIC_LEGEND)
    if "events" in layers and not items.events.empty:
        entries += style.event_legend(sorted(set(items.events["kind"])))
        if items.events["is_area"].any():
            entries.append(style.AREA_LEGEND)
    if not items.route_legs.empty or not items.events.empty:
        entries += list(style.CLAIM_LEGEND)
        states = [*items.route_legs.get("state", []), *items.events.get("state", [])]
        if "current" in states:
            entries.append(style.EMPHASIS_LEGEND)
    return entries


def _published(value: object, lang: str) -> str:
    if isinstance(value, str) and value.strip():
        from geodata._dates import parse_partial_date

        try:
            value = parse_partial_date(value.strip())
        except ValueError:
            return _one_line(value)
    first = getattr(value, "first", None)
    precision = getattr(value, "precision", "day")
    if first is None:
        return t("export_no_date", lang)
    if precision == "year":
        return f"{first.year}年" if lang == "ja" else str(first.year)
    if precision == "month":
        return f"{first.year}年{first.month}月" if lang == "ja" else first.strftime("%b %Y")
    return format_date(first, lang)


def source_lines(dataset: Dataset, items: VisibleItems, lang: str) -> list[SourceLine]:
    """The sources cited by the items shown, numbered in the order of the sources table."""
    keys = (
        [f"place:{i}" for i in items.places["id"]]
        + [f"leg:{i}" for i in items.route_legs["id"]]
        + [f"event:{i}" for i in items.events["id"]]
    )
    cited = set(dataset.citations[dataset.citations["item"].isin(keys)]["source"])
    if "source" in items.events.columns:  # per-row sources: the analyst's own events cite theirs in the row
        cited |= set(items.events["source"].dropna().astype(str)) - {""}
    lines = []
    for source_id, row in dataset.sources.iterrows():
        if source_id not in cited:
            continue
        publisher = _one_line(row.get("publisher") or "")
        if publisher.lower().startswith("not stated"):
            publisher = ""
        title = _one_line(row["title"])
        parts = [p for p in (publisher, title) if p]
        text = (":" if lang == "ja" else ": ").join(parts) + f" ({_published(row.get('published'), lang)})"
        lines.append(SourceLine(len(lines) + 1, str(source_id), text))
    return lines


def in_focus_lines(items: VisibleItems, lang: str, limit: int = 6) -> list[str]:
    """Events happening at the as-of date (the emphasised ones), newest first."""
    events = items.events
    if events.empty:
        return []
    current = events[events["state"] == "current"].sort_values(["start", "id"], ascending=False)
    from layers.text import row_span

    return [f"{row_span(row, lang)} · {_one_line(localized(row, 'title', lang))}" for _, row in current.head(limit).iterrows()]


def export_contents(dataset: Dataset, view: MapView, frame: Frame) -> Contents:
    items = _in_frame(visible_items(dataset, view), frame)
    return Contents(
        items=items,
        legend=legend_entries(items, view.layers),
        sources=source_lines(dataset, items, view.lang),
        credits=credit_line(),
        in_focus=in_focus_lines(items, view.lang),
    )


def default_title(view: MapView) -> str:
    return t("app_title", view.lang)


def default_subtitle(view: MapView) -> str:
    region = REGIONS[view.region]
    label = region.label_ja if view.lang == "ja" else region.label_en
    clock = t(f"export_clock_{view.clock}", view.lang)
    return f"{label} · {clock}"


def date_stamp(view: MapView) -> str:
    return format_date(view.as_of, view.lang)


# --------------------------------------------------------------------------- basemap
@cache
def _basemap_shapes() -> tuple[tuple[object, ...], tuple[object, ...]]:
    land = json.loads((BASEMAP_DIR / "land.geojson").read_text(encoding="utf-8"))
    borders = json.loads((BASEMAP_DIR / "borders.geojson").read_text(encoding="utf-8"))
    land_shapes = tuple(orient(shape(f["geometry"]), 1.0) if f["geometry"]["type"] == "Polygon" else shape(f["geometry"]) for f in land["features"])
    border_shapes = tuple(shape(f["geometry"]) for f in borders["features"])
    return land_shapes, border_shapes


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
    w, s, e, n = lonlat_box
    clip = shapely_box(w, s, e, n)
    land_shapes, border_shapes = _basemap_shapes()
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for geom in land_shapes:
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
    for geom in border_shapes:
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


def _view_line(view: MapView) -> str:
    lang = view.lang
    layers = ", ".join(t(f"layer_{name}", lang) for name in ("places", "route", "events") if name in view.layers) or "–"
    return t(
        "export_view_line",
        lang,
        clock=t(f"export_clock_{view.clock}", lang),
        layers=layers,
        days=view.emphasis_days,
        date=view.as_of.isoformat(),
        region=view.region,
    )


def _draw_footer(fig: Figure, lay: Layout, view: MapView, credits: str) -> None:
    y = lay.footer_top
    width_pt = (lay.width - 2 * lay.margin) * 72
    fig.add_artist(Line2D([lay.margin, lay.width - lay.margin], [y + 0.02, y + 0.02], transform=fig.dpi_scale_trans, color=(0.8, 0.82, 0.85), linewidth=0.6))
    view_line = _view_line(view)
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
    shown = sources if len(sources) <= capacity else sources[: capacity - 1]
    rows = math.ceil(len(sources if len(sources) <= capacity else shown + [None]) / SOURCE_COLUMNS)  # type: ignore[list-item]
    number_w = _mpl.text_width_pt("[00]", lang, SOURCE_SIZE) / 72 + 0.08
    for k, source in enumerate(shown):
        col, row = divmod(k, rows)
        x = lay.margin + col * col_w
        line = _mpl.wrap(source.text, (col_w - number_w - 0.12) * 72, lang, SOURCE_SIZE, max_lines=1)
        _text(fig, x, y - row * SOURCE_LINE, f"[{source.number}]", ha="left", va="top", fontsize=SOURCE_SIZE, color=MUTED)
        _text(fig, x + number_w, y - row * SOURCE_LINE, line[0] if line else "", ha="left", va="top", fontsize=SOURCE_SIZE, gid=f"source-{source.number}")
    if len(shown) < len(sources):
        k = len(shown)
        col, row = divmod(k, rows)
        _text(fig, lay.margin + col * col_w, y - row * SOURCE_LINE, t("export_more_sources", lang, count=len(sources) - len(shown)), ha="left", va="top", fontsize=SOURCE_SIZE, color=MUTED)


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
        fig.patches.append(Circle((cx, y), 0.075, transform=tr, facecolor=rgba(colour, 0.25), edgecolor=rgba(colour), linewidth=1.0))
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
    """The events at the as-of date, under the legend, as far as room is left."""
    lang = view.lang
    x, width = lay.side_x, lay.side_w
    bottom = lay.body_bottom
    if not contents.in_focus:
        return
    y -= 0.1
    if y - 0.5 < bottom:
        return
    fig.add_artist(Line2D([x, x + width], [y + 0.05, y + 0.05], transform=fig.dpi_scale_trans, color=(0.85, 0.86, 0.88), linewidth=0.6))
    _text(fig, x, y, t("export_in_focus", lang, days=view.emphasis_days), ha="left", va="top", fontsize=8.2, fontweight="bold", gid="in-focus-title")
    y -= 0.22
    size = 6.9
    line_h = size * 1.28 / 72
    for line in contents.in_focus:
        wrapped = _mpl.wrap(line, (width - 0.14) * 72, lang, size, max_lines=2)
        if y - len(wrapped) * line_h < bottom:
            break
        fig.patches.append(Circle((x + 0.045, y - line_h / 2), 0.03, transform=fig.dpi_scale_trans, facecolor=rgba(style.EMPHASIS), edgecolor="none"))
        _text(fig, x + 0.14, y, "\n".join(wrapped), ha="left", va="top", fontsize=size, linespacing=1.28)
        y -= len(wrapped) * line_h + 0.05


def _offset(fig: Figure, ax: object, dx_px: float, dy_px: float) -> object:
    """Data transform shifted by a deck.gl pixel offset (x right, y down)."""
    return ax.transData + ScaledTranslation(dx_px * PX / 72, -dy_px * PX / 72, fig.dpi_scale_trans)  # type: ignore[attr-defined]


@dataclass
class MapDrawing:
    """Screen boxes (display pixels) the labels must avoid, collected while drawing."""

    obstacles: list[tuple[float, float, float, float]] = field(default_factory=list)

    def add_point(self, fig: Figure, ax: object, x: float, y: float, size_pt: float, dx_px: float = 0.0, dy_px: float = 0.0) -> None:
        px, py = ax.transData.transform((x, y))  # type: ignore[attr-defined]
        scale = fig.dpi / 72
        px, py = px + dx_px * PX * scale, py - dy_px * PX * scale
        half = size_pt * scale / 2
        self.obstacles.append((px - half, py - half, px + half, py + half))


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


def _draw_content(fig: Figure, ax: object, dataset: Dataset, view: MapView, frame: Frame, items: VisibleItems, unlabelled: Frame | None = None, small_scale: bool = False, label_scale: float = 1.0) -> MapDrawing:
    """Basemap and the view's items in one map axes; places inside ``unlabelled`` get no label."""
    w, s, e, n = frame.lonlat
    margin = 0.25 * max(e - w, n - s) / 10
    land, borders = basemap_paths((round(w - margin, 3), round(s - margin, 3), round(e + margin, 3), round(n + margin, 3)))
    if land is not None:
        # add_artist, not add_patch: no data limits to compute over tens of thousands of vertices.
        ax.add_artist(PathPatch(land, facecolor=rgba(style.LAND), edgecolor="none", zorder=1, transform=ax.transData))  # type: ignore[attr-defined]
    if borders:
        ax.add_collection(LineCollection(borders, colors=[rgba(style.BORDER)], linewidths=0.8, zorder=2), autolim=False)  # type: ignore[attr-defined]
    drawing = MapDrawing()
    if "route" in view.layers:
        _draw_route(ax, items.route_legs)
    if "events" in view.layers:
        _draw_events(fig, ax, dataset, items.events, drawing)
    if "places" in view.layers:
        hidden = style.HIDDEN_LABEL_KINDS.get(view.region, ()) if small_scale else ()
        _draw_places(fig, ax, items.places, view.lang, drawing, unlabelled, hidden, label_scale)
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
INSET_WHEN_WIDER_DEG = 8.0


def _draw_map(fig: Figure, lay: Layout, dataset: Dataset, view: MapView, frame: Frame, aspect: float, contents: Contents, inset_slot: tuple[float, float, float, float] | None = None) -> bool:
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
    if view.region != INSET_REGION and e - w > INSET_WHEN_WIDER_DEG and w < region.west and region.east < e:
        inset_items = _crowded(contents.items, region)
        if inset_items:
            inset_frame = _frame_of(region)
    # As on the interactive map: at small scale some crowded labels are left out (the inset has them).
    small_scale = view.region in style.HIDDEN_LABEL_KINDS
    drawing = _draw_content(fig, ax, dataset, view, frame, contents.items, unlabelled=inset_frame, small_scale=small_scale)
    _draw_scale_bar(fig, frame, view.lang, box)
    _draw_north_arrow(fig, box)
    if inset_frame is not None:
        # The scale bar (bottom left) and north arrow (top left) are obstacles too.
        scale = fig.dpi
        furniture = [(mx * scale, my * scale, (mx + 2.2) * scale, (my + 0.55) * scale), (mx * scale, (my + mh - 0.7) * scale, (mx + 0.7) * scale, (my + mh) * scale)]
        drawing.obstacles.extend(furniture)
        _draw_inset(fig, ax, dataset, view, frame, box, contents, inset_slot, drawing)
    return inset_frame is not None


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


def _draw_inset(fig: Figure, ax: object, dataset: Dataset, view: MapView, frame: Frame, box: tuple[float, float, float, float], contents: Contents, slot: tuple[float, float, float, float] | None, drawing: MapDrawing) -> None:
    """The inset: in ``slot`` (under the legend) when given, else in the emptiest corner of the map."""
    mx, my, mw, mh = box
    region = REGIONS[INSET_REGION]
    def sized(iw: float, ih: float) -> tuple[Frame, float, float]:
        inset_frame, inset_aspect = fit_frame(INSET_REGION, iw / ih)
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
    to_in = lambda x, y: (mx + (x - frame.x0) / (frame.x1 - frame.x0) * mw, my + (y - frame.y0) / (frame.y1 - frame.y0) * mh)  # noqa: E731
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
        points += [to_in(x, y) for x, y in zip(xs, ys)]
    if slot is not None:
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
    # Outline of the enlarged area on the main map, and a title over the inset.
    (ax0, ay0), (ax1, ay1) = to_in(inset_frame.x0, inset_frame.y0), to_in(inset_frame.x1, inset_frame.y1)
    fig.add_artist(Rectangle((ax0, ay0), ax1 - ax0, ay1 - ay0, transform=fig.dpi_scale_trans, facecolor="none", edgecolor=INK, linewidth=0.9, zorder=20))
    label = region.label_ja if view.lang == "ja" else region.label_en
    fig.add_artist(Rectangle((cx, cy + ih), iw, INSET_TITLE_H, transform=fig.dpi_scale_trans, facecolor=INK, edgecolor=INK, linewidth=0.9, zorder=20))
    _text(fig, cx + 0.07, cy + ih + 0.1, t("export_inset", view.lang, region=label), ha="left", va="center_baseline", fontsize=7, fontweight="bold", color="white", zorder=21)
    inset = fig.add_axes((cx / fig.get_figwidth(), cy / fig.get_figheight(), iw / fig.get_figwidth(), ih / fig.get_figheight()), zorder=20)
    _setup_axes(inset, inset_frame, border=INK, border_w=0.9)
    # Smaller insets get slightly smaller labels, so the crowded names still fit.
    label_scale = min(0.85, max(0.7, 0.85 * iw / 3.0))
    _draw_content(fig, inset, dataset, view, inset_frame, _in_frame(contents.items, inset_frame), label_scale=label_scale)
    # A leader from the outlined area to the inset, under the map's symbols and labels.
    if slot is None:
        nearest = min(((cx, cy), (cx + iw, cy), (cx, cy + ih + INSET_TITLE_H), (cx + iw, cy + ih + INSET_TITLE_H)), key=lambda p: math.dist(p, ((ax0 + ax1) / 2, (ay0 + ay1) / 2)))
        corner = min(((ax0, ay0), (ax1, ay0), (ax0, ay1), (ax1, ay1)), key=lambda p: math.dist(p, nearest))
        to_data = lambda p: (frame.x0 + (p[0] - mx) / mw * (frame.x1 - frame.x0), frame.y0 + (p[1] - my) / mh * (frame.y1 - frame.y0))  # noqa: E731
        (lx0, ly0), (lx1, ly1) = to_data(corner), to_data(nearest)
        if math.dist(corner, nearest) < 2.0:  # a long leader would only cross the map's labels
            ax.plot([lx0, lx1], [ly0, ly1], color=MUTED, linewidth=0.6, linestyle=(0, (3, 2)), zorder=3.5)  # type: ignore[attr-defined]


def _draw_route(ax: object, legs: pd.DataFrame) -> None:
    for _, leg in legs.iterrows():
        head, main = leg_parts(leg)
        colour = style.MODE_COLOURS[leg["mode"]]
        width = style.MODE_WIDTH_PX[leg["mode"]] * PX
        mxs, mys = mercator([p[0] for p in main], [p[1] for p in main])
        if leg.get("state") == "current":
            ax.plot(mxs, mys, color=rgba(style.EMPHASIS, 150 / 255), linewidth=width + 8 * PX, solid_capstyle="round", solid_joinstyle="round", zorder=4)  # type: ignore[attr-defined]
        dash = (0, style.DASH_CONTESTED) if bool(leg["is_contested"]) else "-"
        ax.plot(mxs, mys, color=rgba(colour), linewidth=width, linestyle=dash, dash_capstyle="round", solid_capstyle="round", solid_joinstyle="round", zorder=5, gid=f"leg-{leg['id']}")  # type: ignore[attr-defined]
        if head:
            hx, hy = mercator([p[0] for p in head], [p[1] for p in head])
            ax.plot(hx, hy, color=rgba(style.SCHEMATIC), linewidth=style.SCHEMATIC_WIDTH_PX * PX, linestyle=(0, style.DASH_SCHEMATIC), dash_capstyle="round", zorder=5)  # type: ignore[attr-defined]
        for x, y, angle in _arrows(np.asarray(mxs), np.asarray(mys)):
            marker = MarkerStyle(_mpl.marker_path(style.ARROW_SYMBOL), transform=Affine2D().rotate_deg(angle))
            ax.plot([x], [y], marker=marker, markersize=_mpl.marker_size_pt(style.ARROW_SYMBOL, 13), color=rgba(colour), markeredgecolor="white", markeredgewidth=0.4, linestyle="none", zorder=6)  # type: ignore[attr-defined]


def _arrows(xs: np.ndarray, ys: np.ndarray, per_leg: int = 4) -> list[tuple[float, float, float]]:
    """Direction arrows evenly spaced along a projected line (as the interactive map places them)."""
    seg = np.hypot(np.diff(xs), np.diff(ys))
    total = float(seg.sum())
    if total == 0:
        return []
    cumulative = np.concatenate([[0.0], np.cumsum(seg)])
    arrows = []
    for k in range(per_leg):
        target = total * (k + 0.5) / per_leg
        i = int(min(np.searchsorted(cumulative, target, side="right") - 1, len(seg) - 1))
        while seg[i] == 0 and i > 0:
            i -= 1
        f = (target - cumulative[i]) / seg[i] if seg[i] else 0.0
        x = xs[i] + f * (xs[i + 1] - xs[i])
        y = ys[i] + f * (ys[i + 1] - ys[i])
        arrows.append((float(x), float(y), math.degrees(math.atan2(ys[i + 1] - ys[i], xs[i + 1] - xs[i]))))
    return arrows


@cache
def _slot_offsets_by_id(ids: tuple[str, ...], places: tuple[str, ...], starts: tuple[object, ...]) -> dict[str, tuple[float, float]]:
    from layers.deck import _slot_offsets

    frame = pd.DataFrame({"id": ids, "place_id": places, "start": starts})
    return {frame.at[i, "id"]: (float(o[0]), float(o[1])) for i, o in _slot_offsets(frame).items()}


def _draw_events(fig: Figure, ax: object, dataset: Dataset, events: pd.DataFrame, drawing: MapDrawing) -> None:
    if events.empty:
        return
    all_events = dataset.events
    if len(all_events) > style.LARGE_EVENT_COUNT:
        # As on the map: identical symbols drawn once (a current one if any is current).
        events = (
            events.assign(_current=events["state"] == "current")
            .sort_values("_current", ascending=False, kind="stable")
            .drop_duplicates(["lon", "lat", "kind", "is_contested"])
        )
        offsets: dict[str, tuple[float, float]] = {}
    else:
        offsets = _slot_offsets_by_id(tuple(all_events["id"]), tuple(all_events["place_id"]), tuple(all_events["start"]))
    symbol = style.EVENT_SYMBOL
    marker = MarkerStyle(_mpl.marker_path(symbol))
    for _, event in events.iterrows():
        x, y = (float(v) for v in mercator(float(event["lon"]), float(event["lat"])))
        colour = style.EVENT_COLOURS[event["kind"]]
        contested = bool(event["is_contested"])
        if bool(event["is_area"]):
            radius = _area_radius_m(event)
            # As in the app: a neutral area, outlined in the kind's colour, with the event's symbol at its centre.
            ax.add_artist(  # type: ignore[attr-defined]
                Circle((x, y), radius, facecolor=rgba(style.AREA_FILL, style.AREA_ALPHA / 255), edgecolor=rgba(colour, 170 / 255), linewidth=1.5 * PX, linestyle=(0, (4, 2)) if contested else "-", zorder=3, transform=ax.transData)  # type: ignore[attr-defined]
            )
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


def _label_offset(side: str) -> tuple[float, float]:
    """Offset in points (x right, y up) of a label on ``side`` of its symbol."""
    gap = style.LABEL_GAP_PX * PX
    diagonal = gap * 0.6
    return {
        "right": (gap, 0),
        "left": (-gap, 0),
        "above": (0, gap),
        "below": (0, -gap),
        "above-right": (diagonal, diagonal),
        "below-right": (diagonal, -diagonal),
        "above-left": (-diagonal, diagonal),
        "below-left": (-diagonal, -diagonal),
    }[side]


def _draw_places(fig: Figure, ax: object, places: pd.DataFrame, lang: str, drawing: MapDrawing, unlabelled: Frame | None = None, hidden_kinds: tuple[str, ...] = (), label_scale: float = 1.0) -> None:
    """Place symbols and labels; a label moves to another side of its symbol when its own side is taken."""
    halo = [patheffects.withStroke(linewidth=3.2, foreground=rgba(style.LABEL_HALO, 235 / 255))]
    positions = []
    for _, place in places.iterrows():
        x, y = (float(v) for v in mercator(float(place["lon"]), float(place["lat"])))
        symbol = style.PLACE_SYMBOLS[place["kind"]]
        size = _mpl.marker_size_pt(symbol, style.PLACE_SIZE_PX)
        ax.plot([x], [y], marker=MarkerStyle(_mpl.marker_path(symbol)), markersize=size, markerfacecolor=rgba(style.PLACE_INK), markeredgecolor="white", markeredgewidth=0.5, linestyle="none", zorder=9)  # type: ignore[attr-defined]
        drawing.add_point(fig, ax, x, y, size)
        positions.append((place, x, y))
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    axes_box = ax.get_window_extent(renderer)  # type: ignore[attr-defined]
    placed: list[tuple[float, float, float, float]] = []
    for place, x, y in positions:
        if (unlabelled is not None and unlabelled.contains(x, y)) or place["kind"] in hidden_kinds:
            continue
        preferred, _ = style.label_placement(str(place["id"]))
        label = ax.annotate(  # type: ignore[attr-defined]
            _one_line(localized(place, "name", lang)),
            xy=(x, y),
            xytext=(0, 0),
            textcoords="offset points",
            fontsize=14 * PX * label_scale,
            fontweight="bold",
            color=rgba(style.PLACE_INK),
            path_effects=halo,
            parse_math=False,
            zorder=10,
            annotation_clip=False,
            gid=f"place-{place['id']}",
        )
        best, best_cost = None, float("inf")
        scale = 72 / fig.dpi
        inner = (axes_box.x0 + 2, axes_box.y0 + 2, axes_box.x1 - 2, axes_box.y1 - 2)
        for k, side in enumerate((preferred, *[c for c in _CANDIDATES if c != preferred])):
            offset = _label_offset(side)
            label.xyann = offset
            label.set_ha(_ALIGN[side][0])
            label.set_va(_ALIGN[side][1])
            bb = label.get_window_extent(renderer)
            # Sticking out of the map (a long name near an edge): slide it inside.
            shift_x = max(0.0, inner[0] - bb.x0) - max(0.0, bb.x1 - inner[2])
            shift_y = max(0.0, inner[1] - bb.y0) - max(0.0, bb.y1 - inner[3])
            box = (bb.x0 + shift_x, bb.y0 + shift_y, bb.x1 + shift_x, bb.y1 + shift_y)
            cost = sum(_overlap(box, other) for other in placed + drawing.obstacles)
            cost += (abs(shift_x) + abs(shift_y)) * bb.height * 2 + k * 1e-3
            if cost < best_cost:
                best, best_cost = (side, (offset[0] + shift_x * scale, offset[1] + shift_y * scale), box), cost
            if cost < 1:
                break
        side, offset, box = best  # type: ignore[misc]
        label.xyann = offset
        label.set_ha(_ALIGN[side][0])
        label.set_va(_ALIGN[side][1])
        placed.append(box)
    drawing.obstacles.extend(placed)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


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
def build_figure(dataset: Dataset, view: MapView, options: ExportOptions) -> Figure:
    """The export as a matplotlib Figure (call inside ``mpl.rc_context(_mpl.rc_params(lang))``)."""
    preset = options.preset
    width, height = preset.inches
    fig = Figure(figsize=(width, height), dpi=options.dpi_used, facecolor="white")
    FigureCanvasAgg(fig)
    banner = _one_line(options.banner or "")
    # The frame depends on the map box, which depends on how many sources are listed:
    # settle it in two passes (the second is almost always the same).
    lay = make_layout(width, height, bool(banner), len(dataset.sources))
    for _ in range(3):
        mx, my, mw, mh = lay.map_box
        frame, aspect = fit_frame(view.region, mw / mh)
        contents = export_contents(dataset, view, frame)
        new_lay = make_layout(width, height, bool(banner), len(contents.sources))
        if new_lay == lay:
            break
        lay = new_lay
    # Whatever happened above, the layout fits this source list; the map letterboxes to its frame.
    lay = make_layout(width, height, bool(banner), len(contents.sources))
    title = _one_line(options.title) if options.title is not None else default_title(view)
    subtitle = _one_line(options.subtitle) if options.subtitle is not None else default_subtitle(view)
    if banner:
        _draw_banner(fig, lay, banner, view.lang)
    _draw_header(fig, lay, view, title, subtitle)
    legend_end = _draw_side(fig, lay, view, contents)
    room = legend_end - 0.12 - lay.body_bottom
    slot = (lay.side_x, lay.body_bottom, lay.side_w, room) if room >= 1.5 else None
    if not _draw_map(fig, lay, dataset, view, frame, aspect, contents, slot):
        _draw_in_focus(fig, lay, view, contents, legend_end)
    _draw_sources(fig, lay, contents.sources, view.lang)
    _draw_footer(fig, lay, view, contents.credits)
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
    return buffer.getvalue()


def _write_png(fig: Figure, buffer: io.BytesIO, dpi: int) -> None:
    """RGB PNG (no alpha: smaller, faster) with the print size and no other metadata."""
    from PIL import Image

    fig.canvas.draw()
    width, height = fig.canvas.get_width_height()
    image = Image.frombuffer("RGBA", (width, height), fig.canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")  # type: ignore[attr-defined]
    # zlib level 3: about as small as 6 here, and faster.
    image.save(buffer, format="png", compress_level=3, dpi=(dpi, dpi))


def render_png_array(dataset: Dataset, view: MapView, options: ExportOptions = ExportOptions()) -> np.ndarray:
    """The export as an RGB pixel array (frames of animations)."""
    options = options.validated()
    with mpl.rc_context(_mpl.rc_params(view.lang)):
        fig = build_figure(dataset, view, options)
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
