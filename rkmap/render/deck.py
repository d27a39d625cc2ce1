"""Build the pydeck map for a view.

Layer data are all rows, not only the visible ones: the as-of date reaches the
browser as a GPU filter range (``DataFilterExtension``), so moving the slider
changes two numbers rather than the data. The basemap is not a layer: the
browser shows its static rasters under the canvas (rkmap/render/basemap.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pydeck as pdk

from rkmap.core import style
from rkmap.core.coordinates import finite_json, valid_coordinates
from rkmap.core.dates import from_day_number
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.projection import world_lonlat, world_xy, world_xy_array
from rkmap.core.text import row_span, schematic_note
from rkmap.core.text_safety import reveal_invisible
from rkmap.data import Dataset
from rkmap.render import label_store, layer_parts
from rkmap.render._grouping import current_intervals, symbol_groups
from rkmap.render._screen_path import frame_zoom, screen_path
from rkmap.render.arrows import arrows_along
from rkmap.render.layer_parts import (
    LABEL_PAD_PX,
    PICKED,
    SHIPPED,
    USER,
    Look,
    MapSize,
    as_of_filter,
    event_icon_layers,
    icon_catalogue,
    label_layer,
    place_icon_layer,
    slim,
    slot_offsets,
    time_props,
    tooltip,
)
from rkmap.render.primitives import FILTER_2, icon_layer, path_layer, per_item
from rkmap.render.static_data import publish_csv, publish_json
from rkmap.render.view import REGIONS, MapView, Region, clock_columns, leg_parts, localized, region_of

if TYPE_CHECKING:
    from rkmap.render.labels import Placed

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


# Where a session's many events go instead of the map's JSON: given the user dataset, the
# channel's {"url", "key"} (rkmap/app/user_channel.py); None: inline, as for a few rows.
Channel = Callable[[Dataset], dict[str, str]]


@dataclass(frozen=True)
class Publisher:
    """Where one part's layer data go: static files anyone may fetch (the shipped data), or only this
    session's page (an analyst's own rows: inline in the map's JSON, many events by the ``channel``)."""

    owner: Dataset
    shared: bool
    channel: Channel | None = None

    def __call__(self, key: str, build: Callable[[], object]) -> object:
        if self.shared:
            return publish_json(self.owner, key, build)  # type: ignore[arg-type]
        return memo(self.owner, f"inline-{key}", build)


def build_deck(dataset: Dataset, view: MapView, size: MapSize = MapSize(), camera: int = 0, channel: Channel | None = None) -> pdk.Deck:
    """The map for ``view``; a new ``camera`` count re-frames a panned map (see CAMERA_NUDGE).

    ``channel``: where the session's many own events go (rkmap/app/user_channel.py); None keeps them inline.
    """
    from rkmap.data.user_data import user_parts

    # The user's own rows (if any) are drawn by the same builder in their own look, over the shipped
    # ones; a row whose coordinates cannot be drawn is left out (rkmap/core/coordinates.py).
    region = region_of(view.region, dataset)  # the user's data frame needs the user's rows
    dataset, user = user_parts(valid_coordinates(dataset))
    # Both parts are drawn for that frame: the shipped part alone has no user rows to fit (#24: its labels and
    # hatched areas were made for the whole route's frame while the map showed the user's).
    # The shipped labels keep clear of the analyst's symbols too (``others``).
    layers = data_layers(dataset, view, size, SHIPPED, Publisher(dataset, shared=True), frame=region, others=user)
    if user is not None:
        layers += data_layers(user, view, size, USER, Publisher(user, shared=False, channel=channel), frame=region)
    deck = CompactDeck(
        layers=layers,
        initial_view_state=view_state_for(region, size, camera),
        views=[pdk.View(type="MapView", controller=MAP_CONTROLLER)],
        # Offline: no tiles. Leave map_style unset: map_style=None makes Streamlit
        # fall back to fetching a Carto style, which fails offline.
        map_provider=None,
        tooltip={"text": "{tooltip}"},  # plain text: data never becomes HTML
    )
    # Not a deck.gl prop: the browser makes the icon layers' atlas of it (rkmap/app/deck_loader.js).
    deck.icon_catalogue = icon_catalogue((SHIPPED,) if user is None else (SHIPPED, USER))
    return deck


def data_layers(data: Dataset, view: MapView, size: MapSize, look: Look, publish: Publisher, *, frame: Region | None = None,
                others: Dataset | None = None) -> list[pdk.Layer]:
    """The one layer builder: the route, event and place layers of ``data`` in ``look``, their data where ``publish`` puts them.

    ``frame``: the view's frame (:func:`view_frame`), resolved from the whole dataset when ``data`` is one part of it.
    ``others``: the rows drawn beside ``data`` (the analyst's beside the shipped), whose symbols its placed labels keep clear of.
    """
    frame = view_frame(data, view, frame)
    layers: list[pdk.Layer] = []
    if "route" in view.layers and len(data.route_legs):
        layers += route_layers(data, view, size, look, publish)
    if "events" in view.layers and len(data.events):
        layers += event_layers(data, view, size, look, publish, frame=frame, others=others)
    if "places" in view.layers and _drawn_places(data).any():
        layers += place_layers(data, view, size, look, publish, frame=frame, others=others)
    return layers


def view_frame(dataset: Dataset, view: MapView, frame: Region | None = None) -> Region:
    """The view's frame: ``frame`` if given, else the region of ``view.region`` for ``dataset`` (the user's frame needs the user's rows)."""
    return frame or region_of(view.region, dataset)


def _frame_key(frame: Region) -> str:
    """A frame in a memo key: its key and box (the user's frame is wherever the user's rows are)."""
    return f"{frame.key}:{frame.west},{frame.south},{frame.east},{frame.north}"


def _drawn_places(data: Dataset) -> pd.Series:
    """Place rows drawn as places: not areas, nor places made only to locate events given by lat/lon (on_map 'no')."""
    places = data.places
    return ~places["is_area"].astype(bool) & (places["on_map"] != "no" if "on_map" in places.columns else True)


def route_records(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED) -> list[dict[str, object]]:
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
        records.append(layer_parts.route_record(leg, main, view, look))
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


def route_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED, publish: Publisher | None = None) -> list[pdk.Layer]:
    publish = publish or Publisher(dataset, shared=True)
    lang, frame = view.lang, f"{view.region}-{size.width}x{size.height}"
    records = memo(dataset, f"route-records-{lang}-{frame}", lambda: route_records(dataset, view, size, look))
    lines_data = publish(f"route-{lang}-{frame}", lambda: records)
    if look.colour is not None:  # one colour and width for every leg
        colour, width = per_item([*look.colour, 230]), per_item(look.route_width_px)
    else:
        colour, width = "colour", "width"
    lines = path_layer(look.route_id, lines_data, colour=colour, width=width, dash="dash", time=time_props(view))
    if not look.route_direction:
        return [lines]
    # The halo's records carry the leg's id and tooltip: it picks as the leg does.
    halo_url = publish(f"route-halo-{lang}-{frame}", lambda: slim([r for r in records if not r["schematic"]], "path", "width", *PICKED))
    arrows_url = publish(f"route-arrows-{lang}-{frame}", lambda: arrow_records(records))
    halo = path_layer(f"{look.prefix}route-current", halo_url, colour=per_item([*style.EMPHASIS, 150]), width="width + 8",
                      dash=per_item([0, 0]), highlight=False, time=time_props(view, emphasised=True))
    arrows = icon_layer(f"{look.prefix}route-arrows", arrows_url, colour="colour", size_px=13, angle="angle", highlight=False,
                        time=time_props(view))
    return [halo, lines, arrows]


def arrow_records(route: list[dict[str, object]], per_leg: int = 4) -> list[dict[str, object]]:
    """Direction arrows spaced evenly along each leg, rotated to the line on screen."""
    icon = "arrow"  # layer_parts.icon_catalogue
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


def event_records(dataset: Dataset, view: MapView, look: Look = SHIPPED) -> list[dict[str, object]]:
    records = layer_parts.event_records(dataset.events, view, look)
    if look.vague == "circles":  # an event's own polygon, outlined (an analyst's file may give one)
        for record, outline in zip(records, dataset.events.get("outline", pd.Series([None] * len(records))), strict=True):
            record["outline"] = _rings(outline)
    return records


def event_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED, publish: Publisher | None = None,
                 *, frame: Region | None = None, others: Dataset | None = None) -> list[pdk.Layer]:
    publish = publish or Publisher(dataset, shared=True)
    if len(dataset.events) > style.LARGE_EVENT_COUNT:
        if publish.shared:
            return large_event_layers(dataset, view, size, frame=frame, others=others)
        return own_large_event_layers(dataset, view, look, publish)
    lang = view.lang
    records = memo(dataset, f"event-records-{lang}", lambda: event_records(dataset, view, look))
    points = publish(f"events-{lang}", lambda: records)
    halo_icon = look.icon_id
    halos = publish(f"events-halo-{lang}", lambda: [{**r, "icon": halo_icon} for r in slim(records, "position", "offset", *PICKED)])
    colour = "colour" if look.colour is None else per_item([*look.colour, 255])
    halo, symbols = event_icon_layers(f"{look.prefix}events", halos, points, view, look.event_size_px, colour)
    return [*vague_area_layers(dataset, view, size, look, publish, records, frame=frame, others=others), halo, symbols]


def vague_area_layers(dataset: Dataset, view: MapView, size: MapSize, look: Look, publish: Publisher,
                      records: list[dict[str, object]], *, frame: Region | None = None, others: Dataset | None = None) -> list[pdk.Layer]:
    """Events known only to a region or country, under their symbols: the region's hatched outline (the
    shipped look), or a circle of the row's radius and a row's own polygon dashed, as the exported image draws it."""
    if look.vague == "hatched":
        return area_line_layers(dataset, view, size, frame=frame, others=others)
    # An analyst's: hatched as the shipped areas (on the shipped country's outline when known only to one, else a
    # circle of the row's radius) in their colour; a row's own polygon outlined as given.
    lang = view.lang
    outlines = publish(f"event-outlines-{lang}", lambda: _outline_records(records))
    drawn = area_line_layers(dataset, view, size, look, publish, frame=frame)
    if outlines:
        drawn.append(path_layer(f"{look.prefix}event-outlines", outlines, colour=per_item([*look.colour, 200]), width=per_item(1.5),
                                dash="dash", time=time_props(view)))
    return drawn


def _rings(geom: object) -> list[list[list[float]]]:
    """The exterior rings of a polygon or multipolygon as [lon, lat] paths; none for any other geometry."""
    kind = getattr(geom, "geom_type", "")
    polygons = [geom] if kind == "Polygon" else list(geom.geoms) if kind == "MultiPolygon" else []  # type: ignore[attr-defined]
    return [[[round(x, 5), round(y, 5)] for x, y, *_ in p.exterior.coords] for p in polygons]


def _outline_records(records: list[dict[str, object]]) -> list[dict[str, object]]:
    """One path per ring of the events' own polygons, timed and picked as their event."""
    keep = ("id", "layer", "t_start", "t_end", "t_public", "tooltip")
    return [{**{k: r[k] for k in keep}, "path": ring, "dash": [4, 2]} for r in records for ring in r["outline"]]


def own_event_table(events: pd.DataFrame) -> pd.DataFrame:
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


def own_large_event_layers(data: Dataset, view: MapView, look: Look, publish: Publisher) -> list[pdk.Layer]:
    """A session's many own events: never in a static file, so not the shipped data's grouped CSV.

    With the page's channel (rkmap/app/user_channel.py) their binary columns are fetched once and
    drawn grouped per pixel (rkmap/render/user_columns.py); without one they travel inline.
    """
    colour = look.colour or style.USER_COLOUR
    common = {
        "id": f"{look.prefix}events",
        "radius_units": "'pixels'",
        "get_radius": 5,
        "stroked": True,
        "get_line_color": [*colour, 255],
        "line_width_min_pixels": 1.5,
        "pickable": True,
        "auto_highlight": True,
        "extensions": [FILTER_2],
        **time_props(view),
    }
    # "Happening now": the events' days merged per pixel (channel) or per spot (inline), exact at every date (rkmap/render/_grouping.py).
    halo = {
        "id": f"{look.prefix}events-current",
        "radius_units": "'pixels'",
        "get_radius": 8,
        "get_fill_color": [*style.EMPHASIS, 200],
        "pickable": False,
        "extensions": [FILTER_2],
        **as_of_filter(view, emphasised=True),
    }
    if publish.channel is not None:
        # The JSON names the channel and the clock's pair of day columns (the filter value); the data are not in it.
        opens, closes = clock_columns(view.clock)
        channel = publish.channel(data)
        columnar = {**channel, "filter": [opens, closes], "lang": view.lang}
        # The halo's runs are merged for this clock: always [t_start, t_end]; fetched after the events (a separate blob).
        halo_columns = {**channel, "url": f"{channel['url']}/halo/{view.clock}/{view.emphasis_days}", "filter": ["t_start", "t_end"], "lang": view.lang}
        return [pdk.Layer("ScatterplotLayer", data=[], columnar=halo_columns, **halo), pdk.Layer("ScatterplotLayer", data=[], columnar=columnar, **common)]
    table = publish("event-table", lambda: own_event_table(data.events).to_dict("records"))
    runs = publish(f"event-current-{view.clock}-{view.emphasis_days}",
                   lambda: current_intervals(data.events, view.clock, view.emphasis_days).to_dict("records"))
    return [
        pdk.Layer("ScatterplotLayer", data=runs, get_position="[lon, lat]", get_filter_value="[t_start, t_end]", **halo),
        pdk.Layer(
            "ScatterplotLayer",
            data=table,
            get_position="[lon, lat]",
            get_fill_color=f"[{colour[0]}, {colour[1]}, {colour[2]}, hollow ? 0 : 235]",
            **common,
        ),
    ]


def event_table(dataset: Dataset, lang: str) -> pd.DataFrame:
    """Event groups as columns for a static CSV: one symbol per spot, kind and claim status."""
    groups = symbol_groups(dataset.events)
    kind = groups["kind"].astype(object)
    channel = lambda i: kind.map({k: c[i] for k, c in style.EVENT_COLOURS.items()})
    kinds = {k: t(f"event_kind_{k}", lang) for k in style.EVENT_COLOURS}
    first = pd.Series([from_day_number(d).isoformat() for d in groups["t_start"]], index=groups.index)
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
            "tooltip": [t("event_group", lang, kind=k, count=n, first=f) for k, n, f in zip(kind.map(kinds), groups["count"], first)],
        }
    )


def large_event_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize(), *, frame: Region | None = None,
                       others: Dataset | None = None) -> list[pdk.Layer]:
    """Many events: grouped symbols and merged halo spans in static CSVs, fetched once.

    The slider only moves the GPU filter; see rkmap/render/_grouping.py for why the
    groups show exactly what the single events would.
    """
    symbols_url = publish_csv(dataset, f"event-groups-{view.lang}", lambda: event_table(dataset, view.lang))
    halo_key = f"event-current-{view.clock}-{view.emphasis_days}"
    halo_url = publish_csv(dataset, halo_key, lambda: current_intervals(dataset.events, view.clock, view.emphasis_days))
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
    return [*area_line_layers(dataset, view, size, frame=frame, others=others), halo, symbols]


AREA_LIST_ROWS = 6  # events named in an area's tooltip, as the exports' lists (rkmap/render/image.py)
# Beyond the listed events, the tooltip counts this many more exactly; after that it says
# "at least" a count that doubles (see _outline_copies).
AREA_EXACT_MORE = 8


def _outline_copies(events: int) -> list[int]:
    """Which of an area's events, counted in opening order from 1, carry a copy of its outline.

    Each copy's tooltip lists the events opened by its own: the topmost copy the
    as-of date shows names what is open then. One copy per event would repeat a
    country's outline for each of its events (a large data set puts tens of
    thousands of events on one country); past the exact counts the copies come at
    doubling counts, so a tooltip says "at least" how many more, never more than are open.
    """
    exact = min(events, AREA_LIST_ROWS + AREA_EXACT_MORE)
    copies = list(range(1, exact + 1))
    more = AREA_EXACT_MORE * 2
    while AREA_LIST_ROWS + more <= events:
        copies.append(AREA_LIST_ROWS + more)
        more *= 2
    return copies


def area_records(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED,
                 *, frame: Region | None = None) -> tuple[list[dict[str, object]], list[dict[str, object]], list[dict[str, object]]]:
    """Places known only to a country or region: (outline records, hatch records, name labels) for the view's frame.

    The area shows from its first event's day (under the view's clock). Its
    outline is one record per event, in the order they open, each listing the
    events opened by then: the topmost shown one (the latest) gives the tooltip,
    so the list never names an event the as-of date has not reached; a click
    opens that event. The hatch lines name the area only.
    """
    from rkmap.render.areas import area_keys, area_lines

    lang = view.lang
    opens, _ = clock_columns(view.clock)
    events = dataset.events[dataset.events["is_area"].astype(bool)]
    if look is not SHIPPED and "outline" in events.columns:  # an analyst's own polygon is drawn as given (vague_area_layers)
        events = events[[not _rings(outline) for outline in events["outline"]]]
    region = view_frame(dataset, view, frame)
    outlines: list[dict[str, object]] = []
    hatches: list[dict[str, object]] = []
    labels: list[dict[str, object]] = []
    # The shipped rows by their place; an analyst's known only to a country on the shipped outline that holds them.
    keys = events["place_id"].astype(str) if look is SHIPPED else area_keys(events)
    for place_id, group in events.groupby(keys, sort=False):
        first = group.iloc[0]
        radius = 0.0 if pd.isna(first["radius_km"]) else float(first["radius_km"])
        rings, hatch = area_lines(str(place_id), float(first["lon"]), float(first["lat"]), radius, region, size.width, size.height)
        if not rings:
            continue
        name = localized(first, "place_name", lang)
        # The data's name says it: 'Russia (location not known more precisely)'; an analyst's is tagged as theirs.
        heading = t("user_tag", lang, text=str(name)) if look.tagged else str(name)
        times = {"t_start": int(group["t_start"].min()), "t_end": int(group["t_end"].max()), "t_public": int(group["t_public"].min())}
        for path in hatch:
            hatches.append({"path": path, "id": "", "layer": "area", "tooltip": tooltip([heading]), **times})
        ordered = group.sort_values([opens, "start", "id"])
        shown = [f"{row_span(event, lang)} · {localized(event, 'title', lang)}" for _, event in ordered.head(AREA_LIST_ROWS).iterrows()]
        for number in _outline_copies(len(ordered)):
            event = ordered.iloc[number - 1]
            more = number - AREA_LIST_ROWS
            count = [] if more <= 0 else [t("area_more" if more <= AREA_EXACT_MORE else "area_more_at_least", lang, count=more)]
            record_times = {"t_start": int(event["t_start"]), "t_end": int(event["t_end"]), "t_public": int(event["t_public"])}
            for path in rings:
                outlines.append({"path": path, "id": event["id"], "layer": "event", "tooltip": tooltip([heading, *shown[:number], *count]), **record_times})
        # The area's name beside its events' symbols, from its first event on: those symbols
        # stand for the whole area, not for the point they sit at.
        labels.append({"id": str(place_id), "position": [float(first["lon"]), float(first["lat"])], "name": heading, "label_offset": [0, -4],
                       "anchor": "middle", "baseline": "bottom", **times})
    # Later openings drawn last, on top: the topmost shown outline is the fullest list.
    outlines.sort(key=lambda r: r[opens])
    return outlines, hatches, labels


def _area_records(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED,
                  *, frame: Region | None = None) -> tuple[list, list, list]:
    frame = view_frame(dataset, view, frame)
    key = f"{look.prefix}{view.lang}-{view.clock}-{_frame_key(frame)}-{size.width}x{size.height}"
    return memo(dataset, f"area-records-{key}", lambda: area_records(dataset, view, size, look, frame=frame))


def area_line_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED,
                     publish: Publisher | None = None, *, frame: Region | None = None, others: Dataset | None = None) -> list[pdk.Layer]:
    """The hatched outlines of places known only to a country or region (SVG lines: rkmap/render/primitives.py path_layer):
    the shipped data's in the area ink, an analyst's in their colour, with their own layer ids and data kept in the session."""
    publish = publish or Publisher(dataset, shared=True)
    key = f"{view.lang}-{view.clock}-{view.region}-{size.width}x{size.height}"  # in file names, so the frame by its key (a dataset has one frame per key)
    outlines, hatches, labels = _area_records(dataset, view, size, look, frame=frame)
    if not outlines:
        return []
    ink = style.AREA_INK if look.colour is None else look.colour
    hatch_url = publish(f"area-hatch-{key}", lambda: hatches)
    outline_url = publish(f"area-outline-{key}", lambda: outlines)
    hatch = path_layer(f"{look.prefix}event-area-hatch", hatch_url, colour=per_item([*ink, round(255 * style.AREA_HATCH_ALPHA)]),
                       width=per_item(style.AREA_HATCH_WIDTH_PX), dash=per_item([0, 0]), highlight=False, time=time_props(view),
                       pickable=False)  # lines every few pixels: picking would catch every click inside the country
    outline = path_layer(f"{look.prefix}event-areas", outline_url, colour=per_item([*ink, round(255 * style.AREA_OUTLINE_ALPHA)]),
                         width=per_item(style.AREA_OUTLINE_WIDTH_PX), dash=per_item(list(style.AREA_OUTLINE_DASH)), time=time_props(view))
    if look.placed_labels:
        sets = label_sets(dataset, view, frame=frame, others=others)
        label_data = publish(f"area-labels-{key}", lambda: [sets.placed_record("area", r) for r in labels])
        placement = sets.layer_props()
    else:  # beside their point, as the analyst's place labels
        placement, label_data = None, publish(f"area-labels-{key}", lambda: labels)
    names = label_layer(f"{look.prefix}area-labels", label_data, view, size_px=AREA_LABEL_PX, colour=ink, anchor="anchor", baseline="baseline",
                        offset="label_offset", time=time_props(view), placement=placement)
    return [hatch, outline, names]


def place_records(dataset: Dataset, view: MapView, look: Look = SHIPPED) -> list[dict[str, object]]:
    lang = view.lang
    records = []
    anchors = {"right": ("start", "center"), "left": ("end", "center"), "above": ("middle", "bottom"), "below": ("middle", "top")}
    places = dataset.places[~dataset.places["is_area"]] if look.placed_labels else dataset.places[_drawn_places(dataset)]
    for _, place in places.iterrows():
        name = localized(place, "name", lang)
        record = {
            "id": place["id"],
            "layer": "place",
            "position": [float(place["lon"]), float(place["lat"])],
            "name": name if look.placed_labels else reveal_invisible(name),
            "icon": place["kind"],  # layer_parts.icon_catalogue
            "tooltip": tooltip([_tagged(look, name, lang), localized(place, "role", lang)]),
        }
        if look.placed_labels:
            side, offset = style.label_placement(place["id"])
            record = {"label_offset": list(offset), "anchor": anchors[side][0], "baseline": anchors[side][1], "id": record["id"],
                      "layer": "place", "kind": place["kind"], **{k: record[k] for k in ("position", "name", "icon", "tooltip")}}
        records.append(record)
    return records


def _tagged(look: Look, text: str, lang: str) -> str:
    return t("user_tag", lang, text=text) if look.tagged else text


def place_layers(dataset: Dataset, view: MapView, size: MapSize = MapSize(), look: Look = SHIPPED, publish: Publisher | None = None,
                 *, frame: Region | None = None, others: Dataset | None = None) -> list[pdk.Layer]:
    publish = publish or Publisher(dataset, shared=True)
    records = memo(dataset, f"place-records-{view.lang}", lambda: place_records(dataset, view, look))
    icons_data = publish(f"places-{view.lang}", lambda: records)
    icons = place_icon_layer(f"{look.prefix}places", icons_data, colour=look.colour or style.PLACE_INK, size_px=look.place_size_px)
    if not look.placed_labels:
        # Beside each symbol; many of them would only hide the map (their tooltips still name them).
        if len(records) > style.LARGE_EVENT_COUNT:
            return [icons]
        labels = label_layer(f"{look.prefix}place-labels", icons_data, view, size_px=13, colour=look.colour or style.PLACE_INK,
                             anchor="'start'", baseline="'center'", offset=per_item([style.LABEL_GAP_PX, 0]))
        return [icons, labels]
    # At the whole-route scale the places around Peter the Great Gulf sit within
    # a few pixels: label the major ones only (tooltips still name every place).
    hidden = style.HIDDEN_LABEL_KINDS.get(view.region, ())
    sets = label_sets(dataset, view, frame=frame, others=others)
    labels_url = publish(f"place-labels-{view.lang}-{view.region}-{'events' in view.layers}", lambda: [
        sets.placed_record("place", r) for r in records if r["kind"] not in hidden])
    labels = label_layer(f"{look.prefix}place-labels", labels_url, view, size_px=PLACE_LABEL_PX, colour=style.PLACE_INK,
                         anchor="anchor", baseline="baseline", offset="label_offset", placement=sets.layer_props())
    return [icons, labels]


# --- label placement: rkmap/render/labels.py, the exports' placer, run here for the app's labels
PLACE_LABEL_PX = 14
AREA_LABEL_PX = 12
# Placements from a level out to four levels in, every half level: the browser fits the frame to
# its map's real size, so its zoom falls anywhere between; it takes the last level at or below its
# zoom (labels placed for a lower zoom only move apart as it zooms in).
LABEL_ZOOM_STEPS = tuple(k / 2 for k in range(-2, 9))
# Candidate rings (rkmap/render/labels.py RINGS): next to the symbol, one gap further out, and two
# rings further still, where the browser draws a leader line from the symbol to the label (html_labels.js),
# as the exports do. Without those (#24) Pyongyang and Vostochny found no spot on the whole route at
# 1600 px wide, their symbols ringed by their events'. A label lies at most LABEL_MAX_MOVE_EM of its
# font size from its symbol's edge. Unlike the exports, a label need not lie nearer its own symbol
# than any other place's: at the app's scale Pyongyang and Wonsan are 10 px apart, so no label of
# either could; the leader says which symbol a moved label names.
LABEL_RINGS = (1.0, 2.0, 3.5, 5.0)
LABEL_MAX_MOVE_EM = 3.0
LABEL_PRIORITY = {"capital": 3, "city": 2, "spaceport": 2, "rail_hub": 1, "port": 1, "border_crossing": 1}
# The map's real sizes (px) in Chromium at windows of 1280×720, 1600×900, 1600×1000, 1920×1080 and
# 2560×1440: its column is about two thirds of the page (rkmap/app/page.py) and it fills the window
# below its top (rkmap/app/deck_map.js fitHeight). The browser fits the frame into the map it has, so
# labels placed for a map of another shape fall past its edge, where they are hidden (#24: Komsomolsk
# on a 2560 px screen): the app's labels are placed for each of these sizes and for the frame's own
# box, which lies inside any map, and the browser draws the set made for a map most like its own
# (rkmap/app/html_labels.js placementChoice).
APP_MAP_SIZES = (MapSize(547, 441), MapSize(764, 621), MapSize(764, 721), MapSize(981, 801), MapSize(1415, 1161))

LabelKey = tuple[str, str]
# Per zoom level: a label box's top-left corner from its place (and a leader's ends), then 1 if the label is drawn on two lines
# (an odd length), or None (left out).
Corners = list[list[float] | None]


def label_box_size(text: str, size_px: int) -> tuple[float, float]:
    """A label's box in the browser, estimated on the generous side: a full em per CJK character, 0.78 em otherwise.

    Bold Latin measured 0.70-0.74 em in Chromium with DejaVu Sans (no Noto installed); a label drawn wider than
    placed could cover its neighbour.
    """
    import unicodedata

    lines = text.split("\n")
    width = max(sum(size_px if unicodedata.east_asian_width(c) in "WF" else 0.78 * size_px for c in line) for line in lines)
    return width + 2 * LABEL_PAD_PX[0], size_px * 1.45 * len(lines) + 2 * LABEL_PAD_PX[1]


def wrapped_label(text: str) -> str | None:
    """The label on two lines, broken at the space nearest its middle ("Dunai port\nfacility"); None for one word.

    Tried after the one-line label where that finds no room (labels.LabelRequest.alternatives): in the smallest
    map the Rajin–Dunai frame's "Dunai port facility" had none. The browser draws it so when placed so.
    """
    spaces = [i for i, c in enumerate(text) if c == " "]
    if not spaces:
        return None
    cut = min(spaces, key=lambda i: abs(i - len(text) / 2))
    return text[:cut] + "\n" + text[cut + 1:]


@dataclass(frozen=True)
class LabelScene:
    """What the app's labels are placed among, whatever the map's size: the labels, every symbol and the drawn route lines."""

    region: Region
    labels: list[tuple[LabelKey, tuple[float, float], str, int, int, str]]  # key, (lon, lat), text, px, priority, side
    symbols: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # place x, y and event x, y in world units
    event_offsets: tuple[np.ndarray, np.ndarray]  # the events' pixel offsets from their place (slot_offsets)
    routes: list[np.ndarray]  # the drawn route lines' vertices in world units (n × 2), each of 2 or more
    half_sizes: tuple[np.ndarray, np.ndarray]  # each place's and each event's symbol, half its size in pixels


def _scene_symbols(data: Dataset, look: Look) -> tuple[np.ndarray, ...]:
    """Where ``data``'s place and event symbols are drawn in ``look``: place x, y, event x, y (world units), the events'
    pixel offsets (as the map draws them: slot_offsets of ``data``'s own events) and each symbol's half size."""
    places = data.places[~data.places["is_area"].astype(bool)]
    events = data.events
    offsets = slot_offsets(events)
    # Every symbol's position in world units, for all zooms at once (arrays: there may be 100,000 events).
    place_x, place_y = world_xy_array(places["lon"].to_numpy(float), places["lat"].to_numpy(float))
    event_x, event_y = world_xy_array(events["lon"].to_numpy(float), events["lat"].to_numpy(float))
    event_dx, event_dy = np.array([offsets[index] for index in events.index], dtype=float).reshape(-1, 2).T
    return (place_x, place_y, event_x, event_y, event_dx, event_dy, np.full(len(places), look.place_size_px / 2),
            np.full(len(events), look.event_size_px / 2))


def label_scene(dataset: Dataset, view: MapView, *, frame: Region | None = None, others: Dataset | None = None) -> LabelScene:
    """The labels of ``view`` and what they must keep clear of: the place and event symbols (every event, at any date:
    the browser moves the date without asking here) and the route lines as the app draws them.

    ``others``: the analyst's rows drawn beside ``dataset``; their symbols are in the way too, as drawn, when
    each is drawn on its own (up to style.LARGE_EVENT_COUNT events: more are drawn merged, in tiers).
    """
    from rkmap.data.user_data import user_parts

    lang = view.lang
    frame = view_frame(dataset, view, frame)
    hidden = style.HIDDEN_LABEL_KINDS.get(view.region, ())
    # Labelled: the shipped places (an analyst's are labelled beside their symbol, Look.placed_labels); every symbol is in the way.
    shipped = user_parts(dataset)[0]
    labels: list[tuple[LabelKey, tuple[float, float], str, int, int, str]] = []
    for _, place in shipped.places[_drawn_places(shipped)].iterrows():
        if place["kind"] in hidden:
            continue
        side, _ = style.label_placement(place["id"])
        labels.append((("place", str(place["id"])), (float(place["lon"]), float(place["lat"])), str(localized(place, "name", lang)),
                       PLACE_LABEL_PX, LABEL_PRIORITY.get(str(place["kind"]), 1), side))
    # The area labels and route lines the map draws: those built for the default size (build_deck's).
    for record in _area_records(shipped, view, frame=frame)[2] if "events" in view.layers else []:
        labels.append((("area", record["id"]), tuple(record["position"]), str(record["name"]), AREA_LABEL_PX, 0, "above"))
    parts = [_scene_symbols(dataset, SHIPPED)]
    if others is not None and len(others.events) <= style.LARGE_EVENT_COUNT:
        parts.append(_scene_symbols(others, USER))
    place_x, place_y, event_x, event_y, event_dx, event_dy, place_half, event_half = (np.concatenate(column) for column in zip(*parts))
    paths = [r["path"] for r in memo(dataset, f"route-records-{lang}-{view.region}-{MapSize().width}x{MapSize().height}",
                                     lambda: route_records(dataset, view))]
    # Projected once for every size and zoom (a line has hundreds of vertices).
    routes = [np.column_stack(world_xy_array(*np.asarray(path, dtype=float).T)) for path in paths if len(path) >= 2]
    return LabelScene(frame, labels, (place_x, place_y, event_x, event_y), (event_dx, event_dy), routes, (place_half, event_half))


def frame_map_size(region: Region) -> MapSize:
    """The frame's own box at the default map's zoom: labels placed inside it lie inside a map of any shape fitted to the frame."""
    zoom = frame_zoom(region, MapSize().width, MapSize().height)
    x0, y0 = world_xy(region.west, region.south)
    x1, y1 = world_xy(region.east, region.north)
    # Not rounded to whole pixels: a box of another shape would reach past the frame in a large map.
    return MapSize(round((x1 - x0) * 512 * 2**zoom, 2), round(abs(y0 - y1) * 512 * 2**zoom, 2))


def label_placements(dataset: Dataset, view: MapView, size: MapSize = MapSize(),
                     scene: LabelScene | None = None) -> tuple[list[float], dict[LabelKey, Corners]]:
    """Where each of the app's labels goes at each of a few zoom levels, in a map of ``size``: (zooms, {(layer, id): [[dx, dy] or None per zoom]}).

    The one placer of the exports (rkmap/render/labels.py) decides: each label beside its
    symbol on its preferred side or another, clear of other labels, place and event
    symbols (every event, at any date: the browser moves the date without asking
    here) and route lines; a label with no free spot at a zoom is left out there
    (its place's tooltip names it) rather than drawn over anything. ``dx, dy`` is
    the label box's top-left corner from its place, in pixels (y down). At the
    frame's zoom the labels stay inside the map, and at other zooms inside the map as framed there.
    ``scene``: the labels and obstacles (:func:`label_scene`), when several sizes share them.
    """
    from rkmap.render.labels import LabelRequest, place_labels

    scene = scene or label_scene(dataset, view)
    region = scene.region
    base = frame_zoom(region, size.width, size.height)
    # Rounded down: a level rounded up past the map's own zoom would not be drawn there (placementIndex).
    # The first level's zoom plus whole steps, as the browser adds them up (LabelSets.layer_props).
    start = math.floor((base + LABEL_ZOOM_STEPS[0]) * 1000) / 1000
    zooms = [start + (k - LABEL_ZOOM_STEPS[0]) for k in LABEL_ZOOM_STEPS]
    place_x, place_y, event_x, event_y = scene.symbols
    event_dx, event_dy = scene.event_offsets
    cx, cy = (world_xy(region.west, region.north)[i] / 2 + world_xy(region.east, region.south)[i] / 2 for i in (0, 1))
    out: dict[LabelKey, Corners] = {key: [] for key, *_ in scene.labels}
    for step, zoom in zip(LABEL_ZOOM_STEPS, zooms):
        scale = 512 * 2**zoom

        def at(lon: float, lat: float) -> tuple[float, float]:
            # Screen pixels from the frame's centre, y up (rkmap/render/labels.py's convention).
            x, y = world_xy(lon, lat)
            return (x - cx) * scale, -(y - cy) * scale  # noqa: B023 - called within this iteration

        half, e_half = scene.half_sizes
        x, y = (place_x - cx) * scale, -(place_y - cy) * scale
        place_boxes = np.column_stack([x - half, y - half, x + half, y + half])
        x, y = (event_x - cx) * scale + event_dx, -(event_y - cy) * scale - event_dy
        symbols = np.vstack([place_boxes, np.column_stack([x - e_half, y - e_half, x + e_half, y + e_half])])
        lines = [np.column_stack([(line[:, 0] - cx) * scale, -(line[:, 1] - cy) * scale]) for line in scene.routes]
        # Inside the map framed at this zoom (the map's box grown or shrunk with the zoom): the browser
        # fits the frame to its map and draws a level's placements from that level's zoom up to the
        # next one's, where the box only grows round its labels. A level left unbounded put labels
        # past the map's edge, which the browser then hides (Tikhoretsk's, left of its square, on a
        # 2560 px screen).
        edge = (-size.width / 2 * 2**step, -size.height / 2 * 2**step, size.width / 2 * 2**step, size.height / 2 * 2**step)
        # Only places on the map as framed here: a label whose place is off it names nothing in view, and
        # drifts past the map's edge as the view zooms in (the box round a place inside only grows round it).
        requests = [
            LabelRequest("|".join(key), anchor, label_box_size(text, px), priority, side, clearance=style.PLACE_SIZE_PX / 2,
                         alternatives=(label_box_size(wrapped, px),) if (wrapped := wrapped_label(text)) else ())
            for key, position, text, px, priority, side in scene.labels
            if edge[0] <= (anchor := at(*position))[0] <= edge[2] and edge[1] <= anchor[1] <= edge[3]
        ]
        placed, _ = place_labels(requests, frame=edge, symbols=symbols, lines=lines, gap=style.LABEL_GAP_PX / 2, pad=1.0, rings=LABEL_RINGS,
                                 max_move=LABEL_MAX_MOVE_EM * PLACE_LABEL_PX)
        spots = {p.key: p for p in placed}
        anchors = {request.key: request.anchor for request in requests}
        for key, corners in out.items():
            spot, anchor = spots.get("|".join(key)), anchors.get("|".join(key))
            corners.append(None if spot is None or anchor is None else _corner(spot, anchor))
    return zooms, out


def _corner(spot: Placed, anchor: tuple[float, float]) -> list[float]:
    """A placed label for the browser: its box's top-left corner from its place, then, for a label moved
    out of its symbol's reach, its leader line's two ends from its place (pixels, y down).

    The placer's box (x0, y0, x1, y1) and leader are y up, from the frame's centre.
    """
    x0, _, _, y1 = spot.box
    corner = [round(x0 - anchor[0], 1), round(anchor[1] - y1, 1)]
    if spot.leader is not None:
        (sx, sy), (ex, ey) = spot.leader
        corner += [round(sx - anchor[0], 1), round(anchor[1] - sy, 1), round(ex - anchor[0], 1), round(anchor[1] - ey, 1)]
    if spot.variant:  # on two lines (wrapped_label): the datum's ``wrapped`` text
        corner.append(1)
    return corner


@dataclass(frozen=True)
class LabelSets:
    """The app's label placements for each map size it may have (APP_MAP_SIZES, then the frame's own box)."""

    frame: Region
    sizes: list[MapSize]
    zooms: list[list[float]]  # per size: its levels' zooms, its frame's zoom plus LABEL_ZOOM_STEPS
    placed: dict[LabelKey, list[Corners]]  # per label, per size: its corners per level

    def placed_record(self, layer: str, record: dict[str, object]) -> dict[str, object]:
        """A label's record for the browser: with its placements, and its two-line form (rkmap/app/html_labels.js)."""
        return {**record, "placements": self.placed.get((layer, record["id"])), "wrapped": wrapped_label(str(record["name"]))}

    def layer_props(self) -> dict[str, object]:
        """What the browser chooses a set by (rkmap/app/html_labels.js placementChoice); each datum brings its ``placements``.

        Sent with the deck at every rerun, so each size's levels go as its first zoom and the steps they share.
        """
        return {"placement_sizes": [[s.width, s.height] for s in self.sizes], "placement_starts": [zooms[0] for zooms in self.zooms],
                "placement_steps": [k - LABEL_ZOOM_STEPS[0] for k in LABEL_ZOOM_STEPS],
                "placement_frame": [self.frame.west, self.frame.south, self.frame.east, self.frame.north]}


def _scene_parts(scene: LabelScene, sizes: list[MapSize]) -> list[object]:
    """Everything :func:`label_placements` reads, for the label store's digest."""
    region = scene.region
    return [[region.key, region.west, region.south, region.east, region.north], [[s.width, s.height] for s in sizes],
            [[list(key), list(position), text, px, priority, side] for key, position, text, px, priority, side in scene.labels],
            *scene.symbols, *scene.event_offsets, len(scene.routes), *scene.routes, *scene.half_sizes]


def _kept_label_sets(stored: str, scene: LabelScene, sizes: list[MapSize]) -> LabelSets | None:
    """The label store's sets for this scene, or None if it has none (or a file not of its making: placed again)."""
    kept = label_store.load(stored)
    try:
        placed = {(str(layer), str(item)): corners for layer, item, corners in kept["placed"]} if kept else None
        zooms = kept["zooms"] if kept else None
    except (KeyError, TypeError, ValueError):
        return None
    if placed is None or set(placed) != {key for key, *_ in scene.labels} or not isinstance(zooms, list) or len(zooms) != len(sizes):
        return None
    return LabelSets(scene.region, sizes, zooms, placed)


def label_sets(dataset: Dataset, view: MapView, *, frame: Region | None = None, others: Dataset | None = None) -> LabelSets:
    """:func:`label_placements` for each of the map's sizes, memoised: they depend on the frame, language and layers,
    never on the date, so a slider step reuses them. The labels and what they keep clear of are gathered once.

    ``others``: the analyst's rows drawn beside ``dataset`` (:func:`label_scene`); a shipped part with an analyst's
    rows beside it is its own dataset object (rkmap/data/user_data.py user_parts), so the memo stays on it."""
    def build() -> LabelSets:
        from rkmap.data.user_data import has_user_data

        scene = label_scene(dataset, view, frame=frame, others=others)
        sizes = [*APP_MAP_SIZES, frame_map_size(scene.region)]
        # Kept between server starts (rkmap/render/label_store.py), never with an analyst's rows in the scene.
        stored = (label_store.scene_digest(_scene_parts(scene, sizes))
                  if label_store.folder() is not None and others is None and not has_user_data(dataset) else None)
        kept = _kept_label_sets(stored, scene, sizes) if stored else None
        if kept is not None:
            return kept
        placements = [label_placements(dataset, view, size, scene) for size in sizes]
        placed = {key: [corners[key] for _, corners in placements] for key, *_ in scene.labels}
        sets = LabelSets(scene.region, sizes, [zooms for zooms, _ in placements], placed)
        if stored:
            label_store.save(stored, {"zooms": sets.zooms, "placed": [[layer, item, corners] for (layer, item), corners in placed.items()]})
        return sets

    # Area labels are among them only with the events layer (label_scene).
    frame = view_frame(dataset, view, frame)
    return memo(dataset, f"label-sets-{view.lang}-{_frame_key(frame)}-{'events' in view.layers}-{others is not None}", build)
