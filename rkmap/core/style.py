"""One style definition for the interactive map and the exported images.

Colours, place symbols, line patterns and legend entries live here only: the
pydeck layers and the matplotlib renderer both read them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

RGB = tuple[int, int, int]

# --- basemap
WATER: RGB = (214, 228, 236)
LAND: RGB = (244, 242, 236)
BORDER: RGB = (150, 140, 150)

# --- route legs, by mode
MODE_COLOURS: dict[str, RGB] = {"sea": (21, 101, 192), "rail": (142, 60, 30)}
MODE_WIDTH_PX = {"sea": 4.0, "rail": 3.5}
DASH_CONTESTED = (6.0, 3.0)  # dash, gap in line widths: asserted / denied / reported
# A connector the data do not survey (e.g. where the rail graph has no track).
SCHEMATIC: RGB = (110, 110, 110)
SCHEMATIC_WIDTH_PX = 2.0
DASH_SCHEMATIC = (1.0, 2.0)

# --- events, by kind
EVENT_COLOURS: dict[str, RGB] = {
    "summit": (192, 32, 48),
    "visit": (230, 120, 20),
    "meeting": (180, 140, 0),
    "trade": (30, 140, 80),
    "transfer": (110, 40, 150),
    "report": (80, 96, 112),
}
EMPHASIS: RGB = (255, 196, 0)  # halo of events happening at the as-of date
PLACE_INK: RGB = (40, 48, 60)
LABEL_HALO: RGB = (255, 255, 255)

EVENT_SIZE_PX = 14
# Above this many events, events that would draw identically (same spot, kind
# and claim status) are drawn once, on the map and in exports.
LARGE_EVENT_COUNT = 5_000
EVENT_SLOT_PX = 15  # spacing of event symbols that share a place
# Events sharing a place sit in a grid of at most this many a row under it: a
# single row ran far from its place (Pyongyang's 18 events into Korea Bay).
EVENT_GRID_COLUMNS = 4
PLACE_SIZE_PX = 18
AREA_FILL: RGB = (120, 120, 120)
# Places known only to a country or region: the area's outline, hatched, in this ink
# (app and exports). Dashed outline; hatch lines every AREA_HATCH_PX at 45°.
AREA_INK: RGB = (77, 82, 92)
AREA_OUTLINE_ALPHA = 0.45  # 0-1
AREA_OUTLINE_DASH = (4.0, 2.0)  # dash, gap in line widths
AREA_OUTLINE_WIDTH_PX = 1.2
AREA_HATCH_ALPHA = 0.30  # 0-1
AREA_HATCH_WIDTH_PX = 0.6
AREA_HATCH_PX = 9.0  # spacing of the hatch lines at the frame's zoom

Lang = Literal["en", "ja"]

# Where a place's label sits relative to its symbol, for places that crowd
# each other around Peter the Great Gulf; others default to "right".
LabelSide = Literal["right", "left", "above", "below"]
LABEL_SIDES: dict[str, LabelSide] = {
    "vladivostok": "above",
    "rajin": "left",
    "khasan": "above",
    "pyongyang": "left",
    "vostochny": "above",
    "komsomolsk": "below",
}
LABEL_GAP_PX = 12
# Labels left out in a frame where these kinds of places crowd each other
# (tooltips and the detail panel still name them).
HIDDEN_LABEL_KINDS: dict[str, tuple[str, ...]] = {"route": ("port", "border_crossing"), "far_east": ("border_crossing",)}


def label_placement(place_id: str) -> tuple[LabelSide, tuple[float, float]]:
    """Side and pixel offset (x right, y down) of a place label."""
    side = LABEL_SIDES.get(place_id, "right")
    offset = {"right": (LABEL_GAP_PX, 0), "left": (-LABEL_GAP_PX, 0), "above": (0, -LABEL_GAP_PX), "below": (0, LABEL_GAP_PX)}[side]
    return side, offset

# Place symbols as polygons in a unit box centred on (0, 0), y up. The same
# outline is drawn as an SVG icon in the browser and as a matplotlib marker.
def _regular(n: int, radius: float = 0.9, start: float = 90.0) -> tuple[tuple[float, float], ...]:
    return tuple(
        (radius * math.cos(math.radians(start + 360 * i / n)), radius * math.sin(math.radians(start + 360 * i / n)))
        for i in range(n)
    )


def _star(points: int = 5, outer: float = 0.95, inner: float = 0.42) -> tuple[tuple[float, float], ...]:
    coords = []
    for i in range(points * 2):
        r = outer if i % 2 == 0 else inner
        a = math.radians(90 + 180 * i / points)
        coords.append((r * math.cos(a), r * math.sin(a)))
    return tuple(coords)


PLACE_SYMBOLS: dict[str, tuple[tuple[float, float], ...]] = {
    "city": _regular(24, 0.7),
    "capital": _star(),
    "port": ((0.0, 0.9), (0.9, 0.0), (0.0, -0.9), (-0.9, 0.0)),
    "spaceport": ((0.0, 0.95), (0.85, -0.75), (-0.85, -0.75)),
    "border_crossing": ((-0.3, 0.9), (0.3, 0.9), (0.3, 0.3), (0.9, 0.3), (0.9, -0.3), (0.3, -0.3), (0.3, -0.9), (-0.3, -0.9), (-0.3, -0.3), (-0.9, -0.3), (-0.9, 0.3), (-0.3, 0.3)),
    "rail_hub": ((-0.75, 0.75), (0.75, 0.75), (0.75, -0.75), (-0.75, -0.75)),
}
EVENT_SYMBOL = _regular(32, 0.8)
ARROW_SYMBOL = ((0.9, 0.0), (-0.6, 0.65), (-0.25, 0.0), (-0.6, -0.65))  # points along +x


ICON_PX = 100  # an icon's square in the map's icon atlas; a hollow one's outline is ICON_STROKE_PX wide there
ICON_STROKE_PX = 14


def _svg_path(points: tuple[tuple[float, float], ...]) -> str:
    # In an ICON_PX square, a little inside its edge; SVG y grows downward: flip.
    half, reach = ICON_PX / 2, 0.45 * ICON_PX
    return "M" + " L".join(f"{half + reach * x:.1f},{half - reach * y:.1f}" for x, y in points) + " Z"


def icon_shape(points: tuple[tuple[float, float], ...], hollow: bool = False) -> dict[str, object]:
    """An icon of the map's atlas: its outline as an SVG path in an ICON_PX square (y down), filled or, hollow, stroked.

    The browser draws every icon of a deck into one atlas before the layers' data arrive
    (rkmap/app/deck_loader.js), white on transparent: deck.gl tints it with each symbol's colour.
    """
    return {"path": _svg_path(points), "hollow": hollow}


# --- legend
@dataclass(frozen=True)
class LegendEntry:
    key: str
    label_key: str  # its words: rkmap/core/messages.py
    swatch: Literal["point", "line", "area", "halo"]
    colour: RGB
    symbol: tuple[tuple[float, float], ...] | None = None
    dashed: bool = False
    hollow: bool = False

    def label(self, lang: Lang) -> str:
        from rkmap.core.messages import t  # the catalogue imports nothing of the style's

        return t(self.label_key, lang)


def place_legend(kinds: list[str]) -> list[LegendEntry]:
    return [
        LegendEntry(f"place-{k}", f"place_kind_{k}", "point", PLACE_INK, PLACE_SYMBOLS[k])
        for k in PLACE_SYMBOLS
        if k in kinds
    ]


def route_legend(modes: list[str]) -> list[LegendEntry]:
    return [LegendEntry(f"route-{m}", f"route_mode_{m}", "line", MODE_COLOURS[m], dashed=True) for m in MODE_COLOURS if m in modes]


def event_legend(kinds: list[str]) -> list[LegendEntry]:
    return [
        LegendEntry(f"event-{k}", f"event_kind_{k}", "point", EVENT_COLOURS[k], EVENT_SYMBOL)
        for k in EVENT_COLOURS
        if k in kinds
    ]


CLAIM_LEGEND = (
    LegendEntry("claim-confirmed", "legend_claim_confirmed", "point", PLACE_INK, EVENT_SYMBOL),
    LegendEntry(
        "claim-contested",
        "legend_claim_contested",
        "point",
        PLACE_INK,
        EVENT_SYMBOL,
        dashed=True,
        hollow=True,
    ),
)
AREA_LEGEND = LegendEntry("area", "legend_area", "area", AREA_FILL)
EMPHASIS_LEGEND = LegendEntry("emphasis", "legend_emphasis", "halo", EMPHASIS, EVENT_SYMBOL)


def rgb_hex(colour: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*colour)


# --- additions for the static exports (rkmap/render/image.py)
SCHEMATIC_LEGEND = LegendEntry(
    "schematic",
    "legend_schematic",
    "line",
    SCHEMATIC,
    dashed=True,
)


# --- the user's own data: its own layers in one colour no shipped layer uses
USER_COLOUR: RGB = (214, 0, 140)
USER_EVENT_SYMBOL = _regular(6, 0.85)  # a hexagon: no shipped symbol has this outline
USER_EVENT_SIZE_PX = 16
USER_PLACE_SIZE_PX = 18
USER_ROUTE_WIDTH_PX = 3.0
# A user route that states no mode ('other') is drawn in the user colour.
MODE_COLOURS["other"] = USER_COLOUR
MODE_WIDTH_PX["other"] = USER_ROUTE_WIDTH_PX
USER_LEGEND = LegendEntry("user", "legend_user", "point", USER_COLOUR, USER_EVENT_SYMBOL)
