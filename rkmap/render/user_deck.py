"""The user's own data as its own map layers: one colour (style.USER_COLOUR), hexagon events.

Layer ids: ``user-events`` (with ``user-events-current`` haloes), ``user-places``,
``user-place-labels`` and ``user-routes``. They take the same GPU date filter
as the shipped layers; tooltips are plain text.

Unlike the shipped layers, their data travel inline in the map's JSON and are
never written to the static file cache: a session's own data stay in that
session (the price: above a few thousand rows a rerun sends more data).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pydeck as pdk

from rkmap.core import style
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.text_safety import reveal_invisible
from rkmap.data import Dataset
from rkmap.render import layer_parts
from rkmap.render._screen_path import screen_path
from rkmap.render.layer_parts import PICKED, USER, MapSize, event_icon_layers, label_layer, place_icon_layer, slim, time_props, tooltip
from rkmap.render.primitives import FILTER_2, area_layer, path_layer, per_item
from rkmap.render.view import MapView, clock_columns, localized

# Where a session's many events go instead of the map's JSON: given the user dataset, the
# channel's {"url", "key"} (rkmap/app/user_channel.py); None: inline, as for a few rows.
Channel = Callable[[Dataset], dict[str, str]]


def user_layers(user: Dataset, view: MapView, size: MapSize = MapSize(), channel: Channel | None = None) -> list[pdk.Layer]:
    """Layers for the user part of a dataset (see :func:`rkmap.data.user_data.user_parts`)."""
    layers: list[pdk.Layer] = []
    if "route" in view.layers and len(user.route_legs):
        layers += user_route_layers(user, view, size)
    if "events" in view.layers and len(user.events):
        layers += user_event_layers(user, view, channel)
    if "places" in view.layers and _drawn_places(user).any():
        layers += user_place_layers(user, view)
    return layers


def _drawn_places(user: Dataset) -> pd.Series:
    """Place rows of the user's files; places made for events given by lat/lon (on_map 'no') are not drawn twice."""
    return ~user.places["is_area"] & (user.places["on_map"] != "no")


def user_route_records(user: Dataset, view: MapView, size: MapSize = MapSize()) -> list[dict[str, object]]:
    """One record per leg, its line thinned for the view's frame (rkmap/render/_screen_path.py)."""
    return [
        layer_parts.route_record(leg, screen_path([(round(x, 5), round(y, 5)) for x, y in leg["line"].coords], view.region, size.width, size.height), view, USER)
        for _, leg in user.route_legs.iterrows()
    ]


def user_route_layers(user: Dataset, view: MapView, size: MapSize = MapSize()) -> list[pdk.Layer]:
    key = f"user-route-records-{view.lang}-{view.region}-{size.width}x{size.height}"
    records = memo(user, key, lambda: user_route_records(user, view, size))
    line = path_layer("user-routes", records, colour=per_item([*style.USER_COLOUR, 230]), width=per_item(style.USER_ROUTE_WIDTH_PX),
                      dash="dash", time=time_props(view))
    return [line]


def user_event_records(user: Dataset, view: MapView) -> list[dict[str, object]]:
    """The shipped events' records in the analyst's look, with the outline of an event's own polygon."""
    records = layer_parts.event_records(user.events, view, USER)
    for record, outline in zip(records, user.events.get("outline", pd.Series([None] * len(records)))):
        record["outline"] = _rings(outline)
    return records


def user_event_table(user: Dataset) -> pd.DataFrame:
    events = user.events
    return pd.DataFrame(
        {
            "id": events["id"],
            "lon": events["lon"],
            "lat": events["lat"],
            "hollow": events["is_contested"].astype(int),
            "t_start": events["t_start"],
            "t_end": events["t_end"],
            "t_public": events["t_public"],
        }
    )


def user_event_layers(user: Dataset, view: MapView, channel: Channel | None = None) -> list[pdk.Layer]:
    if len(user.events) > style.LARGE_EVENT_COUNT:
        common = {
            "id": "user-events",
            "radius_units": "'pixels'",
            "get_radius": 5,
            "stroked": True,
            "get_line_color": [*style.USER_COLOUR, 255],
            "line_width_min_pixels": 1.5,
            "pickable": True,
            "auto_highlight": True,
            "extensions": [FILTER_2],
            **time_props(view),
        }
        if channel is not None:
            # Binary columns fetched once by the browser (rkmap/app/columnar.js): the JSON names the
            # channel and the clock's pair of day columns (the filter value); the data are not in it.
            opens, closes = clock_columns(view.clock)
            columnar = {**channel(user), "filter": [opens, closes], "lang": view.lang}
            return [pdk.Layer("ScatterplotLayer", data=[], columnar=columnar, **common)]
        table = memo(user, "user-event-table", lambda: user_event_table(user).to_dict("records"))
        return [
            pdk.Layer(
                "ScatterplotLayer",
                data=table,
                get_position="[lon, lat]",
                get_fill_color=f"[{style.USER_COLOUR[0]}, {style.USER_COLOUR[1]}, {style.USER_COLOUR[2]}, hollow ? 0 : 235]",
                **common,
            )
        ]
    records = memo(user, f"user-event-records-{view.lang}", lambda: user_event_records(user, view))
    halo_icon = style.icon_spec(style.USER_EVENT_SYMBOL, "user-event")
    halos = memo(user, f"user-events-halo-{view.lang}", lambda: [{**r, "icon": halo_icon} for r in slim(records, "position", "offset", *PICKED)])
    halo, symbols = event_icon_layers("user-events", halos, records, view, style.USER_EVENT_SIZE_PX, per_item([*style.USER_COLOUR, 255]))
    areas = memo(user, f"user-event-areas-{view.lang}", lambda: [r for r in records if r["is_area"] and not r["outline"]])
    outlines = memo(user, f"user-event-outlines-{view.lang}", lambda: _outline_records(records))
    # Events known only to a region or country: the area the app draws for such places, under the symbol;
    # an area the file gives as a polygon, its outline (dashed, as the exported image draws it).
    drawn = [area_layer("user-event-areas", areas, time=time_props(view))] if areas else []
    if outlines:
        drawn.append(path_layer("user-event-outlines", outlines, colour=per_item([*style.USER_COLOUR, 200]), width=per_item(1.5), dash="dash", time=time_props(view)))
    return drawn + [halo, symbols]


def _rings(geom: object) -> list[list[list[float]]]:
    """The exterior rings of a polygon or multipolygon as [lon, lat] paths; none for any other geometry."""
    kind = getattr(geom, "geom_type", "")
    polygons = [geom] if kind == "Polygon" else list(geom.geoms) if kind == "MultiPolygon" else []  # type: ignore[attr-defined]
    return [[[round(x, 5), round(y, 5)] for x, y, *_ in p.exterior.coords] for p in polygons]


def _outline_records(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """One path per ring of the events' own polygons, timed and picked as their event."""
    keep = ("id", "layer", "t_start", "t_end", "t_public", "tooltip")
    return [{**{k: r[k] for k in keep}, "path": ring, "dash": [4, 2]} for r in records for ring in r["outline"]]


def user_place_records(user: Dataset, view: MapView) -> list[dict[str, object]]:
    lang = view.lang
    return [
        {
            "id": place["id"],
            "layer": "place",
            "position": [float(place["lon"]), float(place["lat"])],
            "name": reveal_invisible(localized(place, "name", lang)),
            "icon": style.icon_spec(style.PLACE_SYMBOLS[place["kind"]], place["kind"]),
            "tooltip": tooltip([t("user_tag", lang, text=localized(place, "name", lang)), localized(place, "role", lang)]),
        }
        for _, place in user.places[_drawn_places(user)].iterrows()
    ]


def user_place_layers(user: Dataset, view: MapView) -> list[pdk.Layer]:
    records = memo(user, f"user-place-records-{view.lang}", lambda: user_place_records(user, view))
    icons = place_icon_layer("user-places", records, colour=style.USER_COLOUR, size_px=style.USER_PLACE_SIZE_PX)
    labels = label_layer("user-place-labels", records, view, size_px=13, colour=style.USER_COLOUR,
                         anchor="'start'", baseline="'center'", offset=per_item([style.LABEL_GAP_PX, 0]))
    return [icons, labels] if len(records) <= style.LARGE_EVENT_COUNT else [icons]
