"""The map's view as a GeoJSON FeatureCollection: exactly the features the map draws."""

from __future__ import annotations

import pandas as pd
from shapely.geometry import mapping

from rkmap.data import Dataset
from rkmap.data.citation_index import source_ids_by_item
from rkmap.data.provenance import bases
from rkmap.render.view import MapView, VisibleItems, visible_items


def _texts(frame: pd.DataFrame, stem: str, lang: str) -> pd.Series:
    """Column-wise :func:`rkmap.render.view.localized`: the ``stem_lang`` text, falling back to English."""
    english = frame[f"{stem}_en"].astype(object).where(frame[f"{stem}_en"].notna(), "").astype(str)
    if lang == "en" or f"{stem}_{lang}" not in frame.columns:
        return english
    own = frame[f"{stem}_{lang}"].astype(object)
    return own.where(own.notna() & (own != ""), english).astype(str)


def _isoformat(values: pd.Series) -> list[str]:
    return [value.isoformat() for value in values]


def _points(frame: pd.DataFrame) -> list[dict[str, object]]:
    return [{"type": "Point", "coordinates": [lon, lat]} for lon, lat in zip(frame["lon"].tolist(), frame["lat"].tolist())]


def _features(geometries: list[dict[str, object]], props: dict[str, object]) -> list[dict[str, object]]:
    """One feature per geometry; ``props`` maps a property name to a sequence (one value per feature) or a scalar."""
    columns = {name: (list(value) if isinstance(value, (pd.Series, list)) else [value] * len(geometries)) for name, value in props.items()}
    names = list(columns)
    return [{"type": "Feature", "geometry": geometry, "properties": dict(zip(names, values))} for geometry, values in zip(geometries, zip(*columns.values()))]


def _common(dataset: Dataset, frame: pd.DataFrame, layer: str, prefix: str, name_stem: str, lang: str) -> dict[str, object]:
    sources = source_ids_by_item(dataset)
    item_bases = bases(dataset)
    return {
        "layer": layer,
        "id": frame["id"].astype(str),
        "name": _texts(frame, name_stem, "en"),
        "name_ja": _texts(frame, name_stem, "ja"),
        "label": _texts(frame, name_stem, lang),
        "sources": [list(sources.get(f"{prefix}:{ident}", ())) for ident in frame["id"]],
        # seeds, public_record (no seed article among the sources), convention, user (rkmap/data/provenance.py)
        "basis": [item_bases.get(f"{prefix}:{ident}", "none") for ident in frame["id"]],
    }


def _dated(frame: pd.DataFrame) -> dict[str, object]:
    return {"date": _isoformat(frame["start"]), "date_end": _isoformat(frame["end"])}


def feature_collection(dataset: Dataset, view: MapView) -> dict[str, object]:
    items: VisibleItems = visible_items(dataset, view)
    places, legs, events = items.places, items.route_legs, items.events
    features: list[dict[str, object]] = []
    # (A layer switched off comes as an empty frame that may lack the derived columns.)
    if len(places):
        features += _features(
            _points(places),
            _common(dataset, places, "place", "place", "name", view.lang)
            | {"kind": places["kind"], "location_precision": places["location_precision"], "coord_source": places["coord_source"]},
        )
    if len(legs):
        features += _features(
            [mapping(line) for line in legs["line"]],
            _common(dataset, legs, "route", "leg", "title", view.lang)
            | {"mode": legs["mode"], "start": legs["from_place"], "end": legs["to_place"]}
            | _dated(legs)
            | {
                "disclosed": _isoformat(legs["public"]),
                "quantity": legs["quantity_en"],
                "claim_status": legs["claim_status"],
                "state": legs["state"],
                "schematic_head_km": legs["schematic_head_km"].astype(float),
            },
        )
    if len(events):
        features += _features(
            _points(events),
            _common(dataset, events, "event", "event", "title", view.lang)
            | _dated(events)
            | {
                "date_precision": events["date_precision"],
                "disclosed": _isoformat(events["public"]),
                "place_id": events["place_id"],
                "location_precision": events["location_precision"],
                "kind": events["kind"],
                "claim_status": events["claim_status"],
                "state": events["state"],
            },
        )
    return {
        "type": "FeatureCollection",
        "properties": {
            "as_of": view.as_of.isoformat(),
            "clock": view.clock,
            "layers": sorted(view.layers),
            "lang": view.lang,
        },
        "features": features,
    }


