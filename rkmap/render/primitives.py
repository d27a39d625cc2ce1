"""The map's kinds of deck.gl layer, each built one way.

Software WebGL (SwiftShader: the benchmark machine, and analysts' machines
without a GPU) builds a shader pipeline for each layer type and vertex layout
before it can draw: 0.1-0.5 s each. A constant accessor and a per-item one lay
out differently, and so do pickable and unpickable layers, so every layer of a
type is built by one function here: constants are written as per-item
expressions (:func:`per_item`) and every layer picks, so the map's first frame
builds one pipeline per kind. Lines are SVG (:func:`path_layer`), which has
none to build.
"""

from __future__ import annotations

import json

import pydeck as pdk

FILTER_2 = {"@@type": "DataFilterExtension", "filterSize": 2}
# Filter bounds no date reaches (day numbers; rkmap/render/view.py range_template).
OPEN_LOW, OPEN_HIGH = -1_000_000, 1_000_000
# Filter values of an undated item (a place) and its ranges, which no date moves: always shown.
UNDATED = "[0, 0]"
UNDATED_RANGES = [[OPEN_LOW, OPEN_HIGH], [OPEN_LOW, OPEN_HIGH]]
UNDATED_TIME = {"get_filter_value": UNDATED, "filter_range": UNDATED_RANGES, "as_of_ranges": UNDATED_RANGES}


def per_item(value: object) -> str:
    """A constant as a per-item accessor (a pydeck expression), e.g. ``[230, 0, 0, 150]``."""
    return json.dumps(value)


def icon_layer(layer_id: str, data: object, *, colour: str, size_px: int, time: dict[str, object],
               angle: str = "0", offset: str = "[0, 0]", highlight: bool = True) -> pdk.Layer:
    """Every icon layer of the map (records with ``position`` and ``icon``); accessors are pydeck expressions."""
    return pdk.Layer(
        "IconLayer",
        id=layer_id,
        data=data,
        get_position="position",
        get_icon="icon",
        get_angle=angle,
        get_pixel_offset=offset,
        get_color=colour,
        get_size=size_px,
        size_units="'pixels'",
        pickable=True,
        auto_highlight=highlight,
        alpha_cutoff=0,  # the whole symbol picks, not only the outline of a hollow (contested) one
        extensions=[FILTER_2],
        **time,
    )


def path_layer(layer_id: str, data: object, *, colour: str, width: str, dash: str, time: dict[str, object],
               highlight: bool = True, pickable: bool = True) -> pdk.Layer:
    """Every line layer of the map (records with ``path``); accessors are pydeck expressions.

    Drawn as SVG under the canvas (rkmap/app/svg_paths.js) with PathLayer's props, its
    dashes' (PathStyleExtension's; ``dash`` is [dash, gap] in line widths, as in
    the exported image) and the as-of filter's: deck.gl's PathLayer cost
    software WebGL ≈ 0.5 s of CPU to build before the first frame, the most of
    any kind (bench/README.md). Widths are in pixels, the only unit the SVG
    layer draws in.
    """
    return pdk.Layer(
        "SvgPathLayer",
        id=layer_id,
        data=data,
        get_path="path",
        get_color=colour,
        get_width=width,
        width_units="'pixels'",
        cap_rounded=True,
        joint_rounded=True,
        get_dash_array=dash,
        dash_justified=True,
        pickable=pickable,  # SVG: no pipeline to share (a hatch that picked would catch every click inside its country)
        auto_highlight=highlight,
        **time,
    )
