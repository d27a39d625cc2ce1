"""Build the pydeck map for a view.

Layer data are all rows, not only the visible ones: the as-of date reaches the
browser as a GPU filter range (``DataFilterExtension``), so moving the slider
changes two numbers rather than the data. The basemap is not a layer: the
browser shows its static rasters under the canvas (rkmap/render/basemap.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pandas as pd
import pydeck as pdk

from rkmap.core import style
from rkmap.core.coordinates import finite_json, valid_coordinates
from rkmap.core.dates import from_day_number
from rkmap.core.memo import memo
from rkmap.core.projection import world_lonlat, world_xy
from rkmap.core.text import claim_label, precision_label, row_span, schematic_note
from rkmap.data import Dataset
from rkmap.render._grouping import current_intervals, symbol_groups
from rkmap.render._screen_path import frame_zoom, screen_path
from rkmap.render.arrows import arrows_along
from rkmap.render.layer_parts import (
    PICKED,
    MapSize,
    as_of_filter,
    event_icon_layers,
    label_layer,
    place_icon_layer,
    slim,
    slot_offsets,
    time_props,
    tooltip,
)
from rkmap.render.primitives import FILTER_2, area_layer, icon_layer, path_layer, per_item
from rkmap.render.static_data import publish_csv, publish_json
from rkmap.render.user_deck import user_layers
from rkmap.render.view import REGIONS, MapView, Region, leg_parts, localized, region_of

# North-up and flat, like the exported briefings: no drag, touch or keyboard
# rotation or tilt. (It also keeps the basemap images exact: rkmap/render/basemap.py.)
MAP_CONTROLLER = {"dragRotate": False, "touchRotate": False, "keyboard": {"rotateSpeedX": 0, "rotateSpeedY": 0}}


# Streamlit's map keeps the user's pan and zoom across reruns and copies in only
# the keys of the initial view state that changed since the last run: the same
# frame again leaves a panned map where it is. A new ``camera`` count (story
# steps) nudges every camera key by a hair, alternately, so that all of them
# change and the map is re-framed in full.
CAMERA_NUDGE = 1e-6  # degrees or zoom levels: invisible


def view_state_for(region_key: str | Region, size: MapSize = MapSize(), camera: int = 0) -> pdk.ViewState:
    """Centre and zoom that fit a region's box (a fixed frame's key, or a region) into a map of ``size`` (Web Mercator)."""
    region = REGIONS[region_key] if isinstance(region_key, str) else region_key
    x0, y0 = world_xy(region.west, region.south)
    x1, y1 = world_xy(region.east, region.north)
    zoom = frame_zoom(region, size.width, size.height)
    lon, lat = world_lonlat((x0 + x1) / 2, (y0 + y1) / 2)
    if not camera:
        return pdk.ViewState(longitude=round(lon, 4), latitude=round(lat, 4), zoom=round(zoom, 2), min_zoom=1.5, max_zoom=12)
    nudge = CAMERA_NUDGE * (camera % 2)
    return pdk.ViewState(
        longitude=round(lon, 4) + nudge,
        latitude=round(lat, 4) + nudge,
        zoom=round(zoom, 2) + nudge,
        pitch=nudge,  # the map cannot tilt or rotate; nudged so that every key changes
        bearing=nudge,
        min_zoom=1.5,
        max_zoom=12,
    )


class CompactDeck(pdk.Deck):
    """pydeck indents its JSON; Streamlit sends it on every rerun, so send it compact."""

    def to_json(self) -> str:
        # Never NaN or Infinity, which the browser's JSON.parse rejects (rkmap/core/coordinates.py).
        return finite_json(json.loads(super().to_json()), separators=(",", ":"), ensure_ascii=False)


def _published(dataset: Dataset, key: str, build: Callable[[], list[dict[str, object]]]) -> str:
    """Layer data as a static JSON file: the same URL at every date, so deck.gl loads it once."""
    return publish_json(dataset, key, build)


def build_deck(dataset: Dataset, view: MapView, size: MapSize = MapSize(), camera: int = 0) -> pdk.Deck:
    """The map for ``view``; a new ``camera`` count re-frames a panned map (see CAMERA_NUDGE)."""
    from rkmap.data.user_data import user_parts

    # The user's own rows (if any) are drawn as their own layers, over the shipped ones;
    # a row whose coordinates cannot be drawn is left out (rkmap/core/coordinates.py).
    region = region_of(view.region, dataset)  # the user's data frame needs the user's rows
    dataset, user = user_parts(valid_coordinates(dataset))
    layers: list[pdk.Layer] = []
    if "route" in view.layers:
        layers += route_layers(dataset, view, size)
    if "events" in view.layers:
        layers += event_layers(dataset, view)
    if "places" in view.layers:
        layers += place_layers(dataset, view)
    if user is not None:
        layers += user_layers(user, view, size)
    return CompactDeck(
        layers=layers,
        initial_view_state=view_state_for(region, size, camera),
        views=[pdk.View(type="MapView", controller=MAP_CONTROLLER)],
        # Offline: no tiles. Leave map_style unset: map_style=None makes Streamlit
        # fall back to fetching a Carto style, which fails offline.
        map_provider=None,
        tooltip={"text": "{tooltip}"},  # plain text: data never becomes HTML
    )


def route_records(dataset: Dataset, view: MapView, size: MapSize = MapSize()) -> list[dict[str, object]]:
    """One record per drawn line: each leg, plus its schematic connector if it has one.

    Lines are thinned for the view's frame (rkmap/render/_screen_path.py).
    """
    lang = view.lang
    records = []
    for _, leg in dataset.route_legs.iterrows():
        head, main = (screen_path(part, view.region, size.width, size.height) for part in leg_parts(leg))
        common = {
            "id": leg["id"],
            "layer": "route",
            "t_start": int(leg["t_start"]),
            "t_end": int(leg["t_end"]),
            "t_public": int(leg["t_public"]),
        }
        records.append(
            {
                **common,
                "path": main,
                "schematic": False,
                "colour": list(style.MODE_COLOURS[leg["mode"]]),
                "width": style.MODE_WIDTH_PX[leg["mode"]],
                "dash": list(style.DASH_CONTESTED) if leg["is_contested"] else [0, 0],
                "tooltip": tooltip(
                    [
                        localized(leg, "title", lang),
                        row_span(leg, lang),
                        localized(leg, "quantity", lang),
                        claim_label(leg["claim_status"], lang),
                    ]
                ),
            }
        )
        if head:
            records.append(
                {
                    **common,
                    "path": head,
                    "schematic": True,
                    "colour": list(style.SCHEMATIC),
                    "width": style.SCHEMATIC_WIDTH_PX,
                    "dash": list(style.DASH_SCHEMATIC),
                    "tooltip": schematic_note(float(leg["schematic_head_km"]), lang),
                }
            )
    return records


def route_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize()) -> list[pdk.Layer]:
    lang, frame = view.lang, f"{view.region}-{size.width}x{size.height}"
    records = memo(dataset, f"route-records-{lang}-{frame}", lambda: route_records(dataset, view, size))
    # The halo's records carry the leg's id and tooltip: it picks as the leg does.
    halo_url = _published(dataset, f"route-halo-{lang}-{frame}", lambda: slim([r for r in records if not r["schematic"]], "path", "width", *PICKED))
    lines_url = _published(dataset, f"route-{lang}-{frame}", lambda: records)
    arrows_url = _published(dataset, f"route-arrows-{lang}-{frame}", lambda: arrow_records(records))
    halo = path_layer("route-current", halo_url, colour=per_item([*style.EMPHASIS, 150]), width="width + 8",
                      dash=per_item([0, 0]), highlight=False, time=time_props(view, emphasised=True))
    lines = path_layer("route", lines_url, colour="colour", width="width", dash="dash", time=time_props(view))
    arrows = icon_layer("route-arrows", arrows_url, colour="colour", size_px=13, angle="angle", highlight=False,
                        time=time_props(view))
    return [halo, lines, arrows]


def arrow_records(route: list[dict[str, object]], per_leg: int = 4) -> list[dict[str, object]]:
    """Direction arrows spaced evenly along each leg, rotated to the line on screen."""
    icon = style.icon_spec(style.ARROW_SYMBOL, "arrow")
    arrows = []
    for record in route:
        if record["schematic"]:
            continue
        path = record["path"]
        merc = np.array([world_xy(x, y) for x, y in path])  # type: ignore[misc]
        # World units grow southward: the placement wants y north, so y is negated there and back.
        for x, y, angle in arrows_along(merc[:, 0], -merc[:, 1], per_leg):
            lon, lat = world_lonlat(x, -y)
            arrows.append(
                {
                    "position": [round(lon, 5), round(lat, 5)],
                    "angle": round(angle, 1),
                    "icon": icon,
                    "colour": record["colour"],
                    **{key: record[key] for key in ("t_start", "t_end", "t_public", *PICKED)},
                }
            )
    return arrows


def event_records(dataset: Dataset, view: MapView) -> list[dict[str, object]]:
    lang = view.lang
    events = dataset.events
    offsets = slot_offsets(events)
    records = []
    for index, event in events.iterrows():
        place = localized(event, "place_name", lang)
        records.append(
            {
                "id": event["id"],
                "layer": "event",
                "position": [float(event["lon"]), float(event["lat"])],
                "offset": offsets[index],
                "is_area": bool(event["is_area"]),
                "radius_m": 0.0 if pd.isna(event["radius_km"]) else float(event["radius_km"]) * 1000,
                "icon": style.icon_spec(style.EVENT_SYMBOL, "event-hollow" if event["is_contested"] else "event", hollow=bool(event["is_contested"])),
                "colour": list(style.EVENT_COLOURS[event["kind"]]),
                "t_start": int(event["t_start"]),
                "t_end": int(event["t_end"]),
                "t_public": int(event["t_public"]),
                "tooltip": tooltip(
                    [
                        localized(event, "title", lang),
                        row_span(event, lang),
                        f"{place} ({precision_label(event['location_precision'], lang)})",
                        claim_label(event["claim_status"], lang),
                    ]
                ),
            }
        )
    return records


def event_layers(dataset: Dataset, view: MapView) -> list[pdk.Layer]:
    if len(dataset.events) > style.LARGE_EVENT_COUNT:
        return large_event_layers(dataset, view)
    records = memo(dataset, f"event-records-{view.lang}", lambda: event_records(dataset, view))
    # Area events get the translucent area symbol and, like all events, an icon
    # at its centre so kind and claim status stay readable.
    lang = view.lang
    points = _published(dataset, f"events-{lang}", lambda: records)
    areas = _published(dataset, f"event-areas-{lang}", lambda: [r for r in records if r["is_area"]])
    halo_icon = style.icon_spec(style.EVENT_SYMBOL, "event")
    halos = _published(dataset, f"events-halo-{lang}", lambda: [{**r, "icon": halo_icon} for r in slim(records, "position", "offset", *PICKED)])
    areas_layer = area_layer("event-areas", areas, time=time_props(view))
    halo, symbols = event_icon_layers("events", halos, points, view, style.EVENT_SIZE_PX, "colour")
    return [areas_layer, halo, symbols]


def event_table(dataset: Dataset, lang: str) -> pd.DataFrame:
    """Event groups as columns for a static CSV: one symbol per spot, kind and claim status."""
    groups = symbol_groups(dataset.events)
    kind = groups["kind"].astype(object)
    channel = lambda i: kind.map({k: c[i] for k, c in style.EVENT_COLOURS.items()})
    kinds = {k: (ja if lang == "ja" else en) for k, (en, ja) in style.EVENT_KIND_LABELS.items()}
    first = pd.Series([from_day_number(d).isoformat() for d in groups["t_start"]], index=groups.index)
    events_word = "件" if lang == "ja" else " events from "
    return pd.DataFrame(
        {
            "id": groups["id"],  # the group's first event: what a click opens
            "lon": groups["lon"],
            "lat": groups["lat"],
            "r": channel(0),
            "g": channel(1),
            "b": channel(2),
            "hollow": groups["is_contested"].astype(int),
            "t_start": groups["t_start"],
            "t_end": groups["t_end"],
            "t_public": groups["t_public"],
            "tooltip": kind.map(kinds) + " · " + groups["count"].astype(str) + events_word + first,
        }
    )


def large_event_layers(dataset: Dataset, view: MapView) -> list[pdk.Layer]:
    """Many events: grouped symbols and merged halo spans in static CSVs, fetched once.

    The slider only moves the GPU filter; see rkmap/render/_grouping.py for why the
    groups show exactly what the single events would.
    """
    symbols_url = publish_csv(dataset, f"event-groups-{view.lang}", lambda: event_table(dataset, view.lang))
    halo_key = f"event-current-{view.clock}-{view.emphasis_days}"
    halo_url = publish_csv(dataset, halo_key, lambda: current_intervals(dataset.events, view.clock, view.emphasis_days))
    areas = dataset.places[dataset.places["is_area"] & dataset.places["id"].isin(dataset.events["place_id"].unique())]
    areas_layer = pdk.Layer(
        "ScatterplotLayer",
        id="event-areas",
        data=[{"position": [float(p["lon"]), float(p["lat"])], "radius_m": float(p["radius_km"]) * 1000} for _, p in areas.iterrows()],
        get_position="position",
        get_radius="radius_m",
        radius_units="'meters'",
        get_fill_color=[*style.AREA_FILL, style.AREA_ALPHA],
        get_line_color=[*style.AREA_FILL, 170],
        stroked=True,
        line_width_min_pixels=1.5,
        pickable=False,
    )
    halo = pdk.Layer(
        "ScatterplotLayer",
        id="events-current",
        data=halo_url,
        get_position="[lon, lat]",
        radius_units="'pixels'",
        get_radius=8,
        get_fill_color=[*style.EMPHASIS, 200],
        pickable=False,
        extensions=[FILTER_2],
        # Spans were merged for this clock: always [t_start, t_end].
        get_filter_value="[t_start, t_end]",
        **as_of_filter(view, emphasised=True),
    )
    symbols = pdk.Layer(
        "ScatterplotLayer",
        id="events",
        data=symbols_url,
        get_position="[lon, lat]",
        radius_units="'pixels'",
        get_radius=4,
        stroked=True,
        filled=True,
        get_fill_color="[r, g, b, hollow ? 0 : 235]",
        get_line_color="[r, g, b, 255]",
        line_width_min_pixels=1.5,
        pickable=True,
        auto_highlight=True,
        extensions=[FILTER_2],
        **time_props(view),
    )
    return [areas_layer, halo, symbols]


def place_records(dataset: Dataset, view: MapView) -> list[dict[str, object]]:
    lang = view.lang
    records = []
    anchors = {"right": ("start", "center"), "left": ("end", "center"), "above": ("middle", "bottom"), "below": ("middle", "top")}
    for _, place in dataset.places[~dataset.places["is_area"]].iterrows():
        side, offset = style.label_placement(place["id"])
        records.append(
            {
                "label_offset": list(offset),
                "anchor": anchors[side][0],
                "baseline": anchors[side][1],
                "id": place["id"],
                "layer": "place",
                "kind": place["kind"],
                "position": [float(place["lon"]), float(place["lat"])],
                "name": localized(place, "name", lang),
                "icon": style.icon_spec(style.PLACE_SYMBOLS[place["kind"]], place["kind"]),
                "tooltip": tooltip([localized(place, "name", lang), localized(place, "role", lang)]),
            }
        )
    return records


def place_layers(dataset: Dataset, view: MapView) -> list[pdk.Layer]:
    records = memo(dataset, f"place-records-{view.lang}", lambda: place_records(dataset, view))
    # At the whole-route scale the places around Peter the Great Gulf sit within
    # a few pixels: label the major ones only (tooltips still name every place).
    hidden = style.HIDDEN_LABEL_KINDS.get(view.region, ())
    icons_url = _published(dataset, f"places-{view.lang}", lambda: records)
    labels_url = _published(dataset, f"place-labels-{view.lang}-{'-'.join(hidden)}", lambda: [r for r in records if r["kind"] not in hidden])
    icons = place_icon_layer("places", icons_url, colour=style.PLACE_INK, size_px=style.PLACE_SIZE_PX)
    labels = label_layer("place-labels", labels_url, view, size_px=14, colour=style.PLACE_INK,
                         anchor="anchor", baseline="baseline", offset="label_offset")
    return [icons, labels]


