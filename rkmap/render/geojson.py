"""The map's view as a GeoJSON FeatureCollection: exactly the features the map draws."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from shapely.geometry import mapping

from rkmap.data import Dataset
from rkmap.data.citation_index import Cited, cited
from rkmap.data.provenance import bases_of
from rkmap.render.view import MapView, ShownRows, shown_rows


def _texts(frame: pd.DataFrame, stem: str, lang: str) -> pd.Series:
    """Column-wise :func:`rkmap.render.view.localized`: the ``stem_lang`` text, falling back to English."""
    english = frame[f"{stem}_en"].astype(object).where(frame[f"{stem}_en"].notna(), "").astype(str)
    if lang == "en" or f"{stem}_{lang}" not in frame.columns:
        return english
    own = frame[f"{stem}_{lang}"].astype(object)
    return own.where(own.notna() & (own != ""), english).astype(str)


def _isoformat(values: pd.Series) -> list[str | None]:
    """ISO dates; None for an undated line's (context, shown at every date: rkmap/core/dates.py CONTEXT_FIRST and
    CONTEXT_LAST are the span it is drawn over, not its dates, and never leave the app as dates)."""
    from rkmap.core.dates import CONTEXT_FIRST, CONTEXT_LAST

    return [None if value in (CONTEXT_FIRST, CONTEXT_LAST) else value.isoformat() for value in values]


def _points(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{"type": "Point", "coordinates": [lon, lat]} for lon, lat in zip(frame["lon"].tolist(), frame["lat"].tolist())]


def _features(geometries: list[dict[str, object]], props: dict[str, object]) -> list[dict[str, object]]:
    """One feature per geometry; ``props`` maps a property name to a sequence (one value per feature) or a scalar."""
    columns = {name: (list(value) if isinstance(value, (pd.Series, list)) else [value] * len(geometries)) for name, value in props.items()}
    names = list(columns)
    return [{"type": "Feature", "geometry": geometry, "properties": dict(zip(names, values))} for geometry, values in zip(geometries, zip(*columns.values()))]


@dataclass(frozen=True)
class Layer:
    """A layer's shown rows, with their citations and bases worked out column-wise once."""

    name: str  # 'place', 'route' or 'event'
    prefix: str  # of its items: 'place:ID', 'leg:ID', 'event:ID'
    shown: ShownRows
    cited: Cited
    basis: np.ndarray
    user: np.ndarray  # bool per row: the analyst's own

    def __len__(self) -> int:
        return len(self.shown)


def _layer(dataset: Dataset, name: str, prefix: str, shown: ShownRows) -> Layer:
    frame = shown.frame
    items = prefix + ":" + frame["id"].iloc[shown.positions].astype(str)
    found = cited(dataset, items)
    user = frame["origin"].eq("user").to_numpy(dtype=bool)[shown.positions] if "origin" in frame.columns else np.zeros(len(shown), dtype=bool)
    return Layer(name, prefix, shown, found, bases_of(dataset, items, found), user)


def shown_layers(dataset: Dataset, view: MapView) -> list[Layer]:
    """The layers with rows to show, in the order their features are written: places, route, events."""
    items = shown_rows(dataset, view)
    # (A layer switched off comes as an empty frame that may lack the derived columns.)
    tables = (("place", "place", items.places), ("route", "leg", items.route_legs), ("event", "event", items.events))
    return [_layer(dataset, name, prefix, shown) for name, prefix, shown in tables if len(shown)]


def _common(layer: Layer, frame: pd.DataFrame, rows: np.ndarray, name_stem: str, lang: str) -> dict[str, object]:
    return {
        "layer": layer.name,
        "id": frame["id"].astype(str),
        "name": _texts(frame, name_stem, "en"),
        "name_ja": _texts(frame, name_stem, "ja"),
        "label": _texts(frame, name_stem, lang),
        "sources": layer.cited.source_lists(rows),
        # seeds, public_record (no seed article among the sources), convention, user (rkmap/data/provenance.py)
        "basis": layer.basis[rows].tolist(),
    }


def _dated(frame: pd.DataFrame) -> dict[str, object]:
    return {"date": _isoformat(frame["start"]), "date_end": _isoformat(frame["end"])}


def _place_props(frame: pd.DataFrame) -> dict[str, object]:
    return {"kind": frame["kind"], "location_precision": frame["location_precision"], "coord_source": frame["coord_source"]}


def _route_props(frame: pd.DataFrame) -> dict[str, object]:
    return (
        {"mode": frame["mode"], "start": frame["from_place"], "end": frame["to_place"]}
        | _dated(frame)
        | {
            "disclosed": _isoformat(frame["public"]),
            "quantity": frame["quantity_en"],
            "claim_status": frame["claim_status"],
            "state": frame["state"],
            "schematic_head_km": frame["schematic_head_km"].astype(float),
        }
    )


def _event_props(frame: pd.DataFrame) -> dict[str, object]:
    return _dated(frame) | {
        "date_precision": frame["date_precision"],
        "disclosed": _isoformat(frame["public"]),
        "place_id": frame["place_id"],
        "location_precision": frame["location_precision"],
        "kind": frame["kind"],
        "claim_status": frame["claim_status"],
        "state": frame["state"],
    }


# Per layer: the text column its name comes from, and its own properties (after the common ones).
_LAYER_PROPS = {"place": ("name", _place_props), "route": ("title", _route_props), "event": ("title", _event_props)}


def layer_features(layer: Layer, rows: np.ndarray, lang: str, origin: bool = False, frame: pd.DataFrame | None = None) -> list[dict[str, object]]:
    """The features of ``layer``'s ``rows`` (positions); ``origin``: with 'user' or 'shipped' last.

    ``frame``: those rows as ``layer.shown.rows(rows)``, when the caller has them already.
    """
    frame = layer.shown.rows(rows) if frame is None else frame
    name_stem, own = _LAYER_PROPS[layer.name]
    props = _common(layer, frame, rows, name_stem, lang) | own(frame)
    if origin:
        props["origin"] = np.where(layer.user[rows], "user", "shipped").tolist()
    geometries = [mapping(line) for line in frame["line"]] if layer.name == "route" else _points(frame)
    return _features(geometries, props)


# Features are made this many rows at a time, so a million-row view never holds its features all at once.
CHUNK_ROWS = 20_000


def chunks(rows: np.ndarray) -> Iterator[np.ndarray]:
    for start in range(0, len(rows), CHUNK_ROWS):
        yield rows[start : start + CHUNK_ROWS]


def feature_chunks(layers: list[Layer], lang: str, origin: bool = False) -> Iterator[list[dict[str, object]]]:
    """Every layer's features in order, a list of at most ``CHUNK_ROWS`` at a time."""
    for layer in layers:
        for rows in chunks(np.arange(len(layer))):
            yield layer_features(layer, rows, lang, origin)


def collection_header(view: MapView) -> dict[str, object]:
    return {
        "type": "FeatureCollection",
        "properties": {
            "as_of": view.as_of.isoformat(),
            "clock": view.clock,
            "layers": sorted(view.layers),
            "lang": view.lang,
        },
    }


def feature_collection(dataset: Dataset, view: MapView) -> dict[str, object]:
    features = [feature for chunk in feature_chunks(shown_layers(dataset, view), view.lang) for feature in chunk]
    return collection_header(view) | {"features": features}
