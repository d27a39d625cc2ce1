"""The layer pieces of the one layer builder (deck.py ``data_layers``), and the two looks it draws in:
the shipped data's and an analyst's own (:class:`Look`).

Note: pydeck reads any bare string keyword as a JavaScript accessor, so
literal strings below are quoted ("'pixels'").
"""

from __future__ import annotations

from dataclasses import dataclass

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


def slot_offsets(events: pd.DataFrame) -> dict[int, list[float]]:
    """Pixel offsets so events sharing a place sit in a small grid under it, in date order (style.EVENT_GRID_COLUMNS a row)."""
    placed = events[events["place_id"].notna()]
    if placed.empty:
        return {}
    # Column-wise, not a loop over groups: with 100,000 events a loop took seconds at every frame.
    ordered = placed.sort_values(["place_id", "start"], kind="stable")
    group = ordered.groupby("place_id", sort=False)
    slot = group.cumcount().to_numpy()
    cols = np.minimum(group["place_id"].transform("size").to_numpy(), style.EVENT_GRID_COLUMNS)
    slot_px = style.EVENT_SLOT_PX
    dx = (slot % cols - (cols - 1) / 2) * slot_px
    dy = 17.0 + (slot // cols) * slot_px
    return {index: [round(float(x), 1), float(y)] for index, x, y in zip(ordered.index, dx, dy)}


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
            "icon": style.icon_spec(look.event_symbol, f"{look.icon_id}-hollow" if hollow else look.icon_id, hollow=hollow),
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
