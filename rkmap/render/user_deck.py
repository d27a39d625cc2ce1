"""The user's own data as its own map layers: the one layer builder (rkmap/render/deck.py ``data_layers``) in the analyst's look.

Layer ids: ``user-events`` (with ``user-events-current`` haloes, ``user-event-areas`` and
``user-event-outlines``), ``user-places``, ``user-place-labels`` and ``user-routes``. Their
look is ``layer_parts.USER`` (one colour, hexagon events, tagged tooltips); their data
stay in the session: inline in the map's JSON, or by the page's channel for many events
(rkmap/app/user_channel.py), never in the static file cache.
"""

from __future__ import annotations

import pydeck as pdk

from rkmap.data import Dataset
from rkmap.render.deck import Channel, Publisher, data_layers
from rkmap.render.layer_parts import USER, MapSize
from rkmap.render.view import MapView


def user_layers(user: Dataset, view: MapView, size: MapSize = MapSize(), channel: Channel | None = None) -> list[pdk.Layer]:
    """Layers for the user part of a dataset (see :func:`rkmap.data.user_data.user_parts`), as build_deck draws them."""
    return data_layers(user, view, size, USER, Publisher(user, shared=False, channel=channel))
