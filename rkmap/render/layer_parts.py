"""The layer pieces of the one layer builder (deck.py ``data_layers``), and the two looks it draws in:
the shipped data's and an analyst's own (:class:`Look`).

Note: pydeck reads any bare string keyword as a JavaScript accessor, so
literal strings below are quoted ("'pixels'").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
import pydeck as pdk

from rkmap.core import style
from rkmap.core.messages import t
from rkmap.core.text import claim_label, precision_label, row_span
from rkmap.core.text_safety import reveal_invisible
from rkmap.render.primitives import UNDATED_TIME, icon_layer, per_item
from rkmap.render.view import MapView, clock_columns, filter_ranges, localized, range_template

# Note: pydeck reads any bare string keyword as a JavaScript accessor, so
# literal strings below are quoted ("'pixels'").
FONT_FAMILY = '"Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, "Noto Sans", "DejaVu Sans", sans-serif'


@dataclass(frozen=True)
class MapSize:
    # Pixels; fractional for the frame's own box (rkmap/render/deck.py frame_map_size), whose shape must be the frame's.
    width: float = 850  # the map column of the wide layout on a 1600 px screen
    height: float = 620


def time_props(view: MapView, emphasised: bool = False) -> dict[str, object]:
    opens, closes = clock_columns(view.clock)
    return {
        "get_filter_value": f"[{opens}, {closes}]",
        **as_of_filter(view, emphasised),
        "update_triggers": {"getFilterValue": [view.clock]},
    }


def as_of_filter(view: MapView, emphasised: bool = False) -> dict[str, object]:
    """The filter ranges at the view's date, and their template for the browser's slider."""
    return {"filter_range": filter_ranges(view, emphasised), "as_of_ranges": range_template(view, emphasised)}


LABEL_PAD_PX = (3, 1)  # a label's background padding (label_layer); the placer counts it in the label's box

# What a picked object needs: the item it opens and its tooltip.
PICKED = ("id", "layer", "tooltip")


def slim(records: list[dict[str, object]], *keys: str) -> list[dict[str, object]]:
    """Only the fields a non-pickable layer draws with: less JSON per rerun."""
    wanted = (*keys, "t_start", "t_end", "t_public")
    return [{key: record[key] for key in wanted} for record in records]


def tooltip(lines: list[str]) -> str:
    """Plain text lines; bidi and zero-width controls shown as [U+XXXX] (rkmap/core/text_safety.py)."""
    return "\n".join(reveal_invisible(line) for line in lines if line)


# The sides of its place a grid of events may take, in order of preference (the first of those with the most
# symbols on land wins): under it as the map always drew them, above, then beside it.
GRID_SIDES = ("below", "above", "right", "left")
GRID_GAP_PX = 17.0  # from the place's centre to the nearest row (or column) of its events
# The places whose side is chosen by the land under them: those with two or more events, the most crowded
# first, up to this many (an analyst's file may have thousands; the rest keep the side under their place).
GRID_SIDE_PLACES = 500


def _grid_xy(side: np.ndarray, col: np.ndarray, row: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixel offsets (x right, y down) of grid cells (``col``, ``row``) of a grid ``cols`` wide and ``rows`` high on ``side`` of its place."""
    slot_px = style.EVENT_SLOT_PX
    across = (col - (cols - 1) / 2) * slot_px  # a row centred on the place
    away = GRID_GAP_PX + row * slot_px  # rows going away from it
    beside_x = GRID_GAP_PX + col * slot_px  # beside it: columns going away, rows centred
    beside_y = (row - (rows - 1) / 2) * slot_px
    dx = np.select([side == "right", side == "left"], [beside_x, -beside_x], across)
    dy = np.select([side == "below", side == "above"], [away, -away], beside_y)
    return dx, dy


def grid_sides(lon: np.ndarray, lat: np.ndarray, counts: np.ndarray, world_px: float) -> np.ndarray:
    """For places at ``lon``/``lat`` with ``counts`` events each: the side of :data:`GRID_SIDES` for each place's grid,
    at a map of ``world_px`` pixels per world width ("below" where no side is better).

    Symbols that share a place must stay near it, on land and clear of the other places: under Pyongyang, a
    grid of 18 at the whole route's zoom ran into Korea Bay, and above it, it ran over Vladivostok's and
    Rajin's. The most crowded place chooses first: each side scores its cells on land
    (rkmap/render/basemap.py on_land) less twice those that come within a slot of another place or of a
    cell taken before it (another place's grid, under that place unless it chose otherwise).
    """
    from rkmap.core.projection import world_lonlat_array, world_xy_array
    from rkmap.render.basemap import on_land

    counts = np.asarray(counts, dtype=np.int64)
    sides = np.full(len(counts), GRID_SIDES[0], dtype=object)
    crowded = np.flatnonzero(counts > 1)
    crowded = crowded[np.argsort(-counts[crowded], kind="stable")][:GRID_SIDE_PLACES]
    if not len(crowded):
        return sides
    x, y = world_xy_array(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    px, py = x * world_px, y * world_px  # every place in pixels of this map

    def cells(place: int, side: str) -> tuple[np.ndarray, np.ndarray]:
        n = int(counts[place])
        slot = np.arange(n)
        cols = min(n, style.EVENT_GRID_COLUMNS)
        dx, dy = _grid_xy(np.full(n, side), slot % cols, slot // cols, np.full(n, cols), np.full(n, -(-n // cols)))
        return px[place] + dx, py[place] + dy

    # Every place's cells under it, until its own turn; places near a crowded one are the only ones that matter.
    taken = {place: cells(place, GRID_SIDES[0]) for place in range(len(counts)) if counts[place] > 1}
    reach = (style.EVENT_GRID_COLUMNS + 2) * style.EVENT_SLOT_PX + GRID_GAP_PX
    near_slot = style.EVENT_SLOT_PX * 0.9
    for place in crowded.tolist():
        others = np.flatnonzero((np.abs(px - px[place]) < 3 * reach) & (np.abs(py - py[place]) < 3 * reach))
        others = others[others != place]
        points = [np.column_stack([px[others], py[others]])]
        points += [np.column_stack(taken[o]) for o in others.tolist() if o in taken]
        blocked = np.concatenate(points) if points else np.zeros((0, 2))
        best, best_score = GRID_SIDES[0], None
        for side in GRID_SIDES:
            cx, cy = cells(place, side)
            land = on_land(*world_lonlat_array(cx / world_px, cy / world_px))
            clash = np.zeros(len(cx), dtype=bool)
            if len(blocked):
                clash = ((np.abs(cx[:, None] - blocked[None, :, 0]) < near_slot) & (np.abs(cy[:, None] - blocked[None, :, 1]) < near_slot)).any(axis=1)
            score = int(land.sum()) - 2 * int(clash.sum())
            if best_score is None or score > best_score:
                best, best_score = side, score
        sides[place] = best
        taken[place] = cells(place, best)
    return sides


def slot_offsets(events: pd.DataFrame, world_px: float | None = None) -> dict[int, list[float]]:
    """Pixel offsets (x right, y down) so events sharing a place sit in a small grid next to it, in date order
    (style.EVENT_GRID_COLUMNS a row): under it, or, with ``world_px`` (a map's pixels per world width), on the side
    :func:`grid_sides` chooses at that scale.

    The app keeps every grid under its place: its map zooms, and in its smallest whole-route map (a 1280 x 720
    window) no side of Pyongyang's 18 is both on land and clear of the other places (above, it reached Rajin's
    and Vladivostok's symbols). An image is drawn at one scale, for which the exports choose (rkmap/render/image.py).
    """
    placed = events[events["place_id"].notna()]
    if placed.empty:
        return {}
    # Column-wise, not a loop over groups: with 100,000 events a loop took seconds at every frame.
    ordered = placed.sort_values(["place_id", "start"], kind="stable")
    group = ordered.groupby("place_id", sort=False)
    slot = group.cumcount().to_numpy()
    sizes = group["place_id"].transform("size").to_numpy()
    cols = np.minimum(sizes, style.EVENT_GRID_COLUMNS)
    rows = -(-sizes // cols)
    if world_px is None:
        side = np.full(len(slot), GRID_SIDES[0], dtype=object)
    else:
        first = slot == 0
        sides = grid_sides(ordered["lon"].to_numpy(float)[first], ordered["lat"].to_numpy(float)[first], sizes[first], world_px)
        side = np.repeat(sides, sizes[first])  # each place's rows are consecutive (sorted by place)
    dx, dy = _grid_xy(side, slot % cols, slot // cols, cols, rows)
    return {index: [round(float(x), 1), round(float(y), 1)] for index, x, y in zip(ordered.index, dx, dy)}


def event_icon_layers(
    layer_id: str, halos: object, points: object, view: MapView, size_px: int, colour: str
) -> tuple[pdk.Layer, pdk.Layer]:
    """The 'happening now' halo under the event symbols; shared by shipped and user events."""
    halo = icon_layer(f"{layer_id}-current", halos, colour=per_item([*style.EMPHASIS, 220]), size_px=size_px + 12,
                      offset="offset", highlight=False, time=time_props(view, emphasised=True))
    symbols = icon_layer(layer_id, points, colour=colour, size_px=size_px, offset="offset", time=time_props(view))
    return halo, symbols


def place_icon_layer(layer_id: str, data: object, *, colour: style.RGB, size_px: int) -> pdk.Layer:
    """Place symbols (records with ``position`` and ``icon``); shared by shipped and user places. Undated: always shown."""
    return icon_layer(layer_id, data, colour=per_item([*colour, 255]), size_px=size_px, time=UNDATED_TIME)


def label_layer(layer_id: str, data: object, view: MapView, *, size_px: int, colour: style.RGB,
                anchor: str, baseline: str, offset: str, time: dict[str, object] | None = None,
                placement: dict[str, object] | None = None) -> pdk.Layer:
    """Place labels in either language; shared by shipped and user places.

    Drawn as HTML text over the canvas (rkmap/app/html_labels.js), with TextLayer's props:
    no shader pipelines to build at start-up, and the browser spaces Japanese text
    (deck.gl's glyph atlas spaced it unevenly).
    """
    return pdk.Layer(
        "HtmlLabelLayer",
        id=layer_id,
        data=data,
        get_position="position",
        get_text="name",
        get_size=size_px,
        get_color=[*colour, 255],
        get_text_anchor=anchor,
        get_alignment_baseline=baseline,
        get_pixel_offset=offset,
        font_family=f"'{FONT_FAMILY}'",  # quoted: pydeck would read a bare string as an accessor
        font_weight=600,
        # A translucent background keeps labels readable over coasts and borders.
        background=True,
        get_background_color=[*style.LABEL_HALO, 200],
        background_padding=list(LABEL_PAD_PX),
        # Placed in Python (rkmap/render/deck.py label_sets): each datum's ``placements`` holds its box's corner
        # for each map size at each of its zooms; the browser draws the set made for a map most like its
        # own, at the nearest zoom (rkmap/app/html_labels.js). None: each label at its own offset.
        **(placement or {}),
        pickable=False,
        # Dated labels (places known only to a country) carry the as-of filter's props; the
        # browser shows those it lets through (rkmap/app/html_labels.js), as for the SVG lines.
        **{key: value for key, value in (time or {}).items() if key != "update_triggers"},
        update_triggers={"getText": [view.lang], **(time or {}).get("update_triggers", {})},
    )


@dataclass(frozen=True)
class Look:
    """How one kind of rows is drawn: the shipped dataset's, or an analyst's own (one colour, tagged).

    The one layer builder (rkmap/render/deck.py ``data_layers``) draws both; what differs is here.
    """

    event_symbol: tuple[tuple[float, float], ...]
    icon_id: str  # the event icon's id, "-hollow" added for contested events
    colour: style.RGB | None = None  # None: the event kind's or the route mode's colour
    route_width_px: float | None = None  # None: the route mode's width
    tagged: bool = False  # tooltips start "Your data: …" and name the event's kind
    prefix: str = ""  # of the layer ids ("user-events" beside "events")
    route_id: str = "route"  # the route lines' layer id
    event_size_px: int = style.EVENT_SIZE_PX
    place_size_px: int = style.PLACE_SIZE_PX
    route_direction: bool = True  # a halo on legs happening now and arrows along each leg
    # Events known only to a region: "hatched", the region's hatched outline with its name (rkmap/render/areas.py);
    # "circles", a circle of the row's radius under the symbol, or the row's own polygon dashed.
    vague: str = "hatched"
    placed_labels: bool = True  # place labels placed by the exports' placer, else beside the symbol (the analyst's may be many)


SHIPPED = Look(style.EVENT_SYMBOL, "event")
USER = Look(style.USER_EVENT_SYMBOL, "user-event", colour=style.USER_COLOUR, route_width_px=style.USER_ROUTE_WIDTH_PX, tagged=True,
            prefix="user-", route_id="user-routes", event_size_px=style.USER_EVENT_SIZE_PX, place_size_px=style.USER_PLACE_SIZE_PX,
            route_direction=False, vague="circles", placed_labels=False)


@cache
def icon_catalogue(looks: tuple[Look, ...]) -> dict[str, object]:
    """Every icon the map's records may name (their ``icon``), by id: the place kinds', the route's arrow and each
    look's event symbol, filled and hollow (contested), with the square they are drawn in. Sent with the deck: the
    browser draws them into one atlas as the deck arrives, so no symbol waits for its icon after its data
    (rkmap/app/deck_loader.js). Made once per set of looks: it is sent with every rerun's deck (read it, never change it)."""
    icons = {kind: style.icon_shape(points) for kind, points in style.PLACE_SYMBOLS.items()}
    icons["arrow"] = style.icon_shape(style.ARROW_SYMBOL)
    for look in looks:
        icons[look.icon_id] = style.icon_shape(look.event_symbol)
        icons[f"{look.icon_id}-hollow"] = style.icon_shape(look.event_symbol, hollow=True)
    return {"px": style.ICON_PX, "stroke_px": style.ICON_STROKE_PX, "icons": icons}


def _tagged(look: Look, text: str, lang: str) -> str:
    return t("user_tag", lang, text=text) if look.tagged else text


def event_records(events: pd.DataFrame, view: MapView, look: Look = SHIPPED) -> list[dict[str, object]]:
    """One record per event: symbol, slot offset under its place, time and tooltip; shipped and user events alike."""
    lang = view.lang
    offsets = slot_offsets(events)
    kinds = {k: t(f"event_kind_{k}", lang) for k in style.EVENT_COLOURS}
    records = []
    for index, event in events.iterrows():
        hollow = bool(event["is_contested"])
        span = row_span(event, lang)
        record = {
            "id": event["id"],
            "layer": "event",
            "position": [float(event["lon"]), float(event["lat"])],
            "offset": offsets[index],
            "is_area": bool(event.get("is_area", False)),
            "radius_m": 0.0 if pd.isna(event.get("radius_km")) else float(event["radius_km"]) * 1000,
            "icon": f"{look.icon_id}-hollow" if hollow else look.icon_id,  # icon_catalogue
            "colour": list(look.colour or style.EVENT_COLOURS[event["kind"]]),
            "t_start": int(event["t_start"]),
            "t_end": int(event["t_end"]),
            "t_public": int(event["t_public"]),
            "tooltip": tooltip(
                [
                    _tagged(look, localized(event, "title", lang), lang),
                    f"{span} · {kinds.get(event['kind'], event['kind'])}" if look.tagged else span,
                    f"{localized(event, 'place_name', lang)} ({precision_label(event['location_precision'], lang)})",
                    claim_label(event["claim_status"], lang),
                ]
            ),
        }
        records.append(record)
    return records


def route_record(leg: pd.Series, path: list, view: MapView, look: Look = SHIPPED) -> dict[str, object]:
    """A leg's drawn line: shipped and user legs alike (a shipped leg's schematic head is deck.py's)."""
    lang = view.lang
    return {
        "id": leg["id"],
        "layer": "route",
        "t_start": int(leg["t_start"]),
        "t_end": int(leg["t_end"]),
        "t_public": int(leg["t_public"]),
        "path": path,
        "schematic": False,
        "colour": list(look.colour or style.MODE_COLOURS[leg["mode"]]),
        "width": look.route_width_px or style.MODE_WIDTH_PX[leg["mode"]],
        "dash": list(style.DASH_CONTESTED) if leg["is_contested"] else [0, 0],
        "tooltip": tooltip(
            [
                _tagged(look, localized(leg, "title", lang), lang),
                row_span(leg, lang),
                localized(leg, "quantity", lang),
                claim_label(leg["claim_status"], lang),
            ]
        ),
    }
