"""The layer pieces shared by the shipped data's layers (deck.py) and an analyst's (user_deck.py).

Note: pydeck reads any bare string keyword as a JavaScript accessor, so
literal strings below are quoted ("'pixels'").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pydeck as pdk

from rkmap.core import style
from rkmap.core.text_safety import reveal_invisible
from rkmap.render.primitives import UNDATED_TIME, icon_layer, per_item
from rkmap.render.view import MapView, clock_columns, filter_ranges, range_template

# Note: pydeck reads any bare string keyword as a JavaScript accessor, so
# literal strings below are quoted ("'pixels'").
FONT_FAMILY = '"Noto Sans CJK JP", "Hiragino Sans", "Yu Gothic", Meiryo, "Noto Sans", "DejaVu Sans", sans-serif'


@dataclass(frozen=True)
class MapSize:
    width: int = 850  # the map column of the wide layout on a 1600 px screen
    height: int = 620


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
    offsets: dict[int, list[float]] = {}
    slot_px = style.EVENT_SLOT_PX
    for _, group in events.groupby("place_id", sort=False):
        cols = min(len(group), style.EVENT_GRID_COLUMNS)
        for slot, index in enumerate(group.sort_values("start").index):
            offsets[index] = [round((slot % cols - (cols - 1) / 2) * slot_px, 1), 17.0 + (slot // cols) * slot_px]
    return offsets


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
                zooms: list[float] | None = None) -> pdk.Layer:
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
        # Placed in Python (label_placements): each datum's ``placements`` holds its box's corner
        # at each of these zooms; the browser draws the nearest zoom's (rkmap/app/html_labels.js).
        placement_zooms=zooms or [],
        pickable=False,
        # Dated labels (places known only to a country) carry the as-of filter's props; the
        # browser shows those it lets through (rkmap/app/html_labels.js), as for the SVG lines.
        **{key: value for key, value in (time or {}).items() if key != "update_triggers"},
        update_triggers={"getText": [view.lang], **(time or {}).get("update_triggers", {})},
    )
