"""The map's view as a GeoJSON FeatureCollection: exactly the features the map draws."""

from __future__ import annotations

import json
from pathlib import Path

from shapely.geometry import mapping

from geodata import Dataset
from layers.view import MapView, VisibleItems, localized, visible_items


def _common(dataset: Dataset, layer: str, item: str, row, lang: str, name_stem: str) -> dict[str, object]:  # noqa: ANN001
    return {
        "layer": layer,
        "id": row["id"],
        "name": localized(row, name_stem, "en"),
        "name_ja": localized(row, name_stem, "ja"),
        "label": localized(row, name_stem, lang),
        "sources": dataset.source_ids_for(item),
    }


def feature_collection(dataset: Dataset, view: MapView) -> dict[str, object]:
    items: VisibleItems = visible_items(dataset, view)
    features: list[dict[str, object]] = []
    for _, place in items.places.iterrows():
        props = _common(dataset, "place", f"place:{place['id']}", place, view.lang, "name")
        props.update(kind=place["kind"], location_precision=place["location_precision"], coord_source=place["coord_source"])
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [place["lon"], place["lat"]]}, "properties": props})
    for _, leg in items.route_legs.iterrows():
        props = _common(dataset, "route", f"leg:{leg['id']}", leg, view.lang, "title")
        props.update(
            mode=leg["mode"],
            start=leg["from_place"],
            end=leg["to_place"],
            date=leg["start"].isoformat(),
            date_end=leg["end"].isoformat(),
            disclosed=leg["public"].isoformat(),
            quantity=leg["quantity_en"],
            claim_status=leg["claim_status"],
            state=leg["state"],
            schematic_head_km=float(leg["schematic_head_km"]),
        )
        features.append({"type": "Feature", "geometry": mapping(leg["line"]), "properties": props})
    for _, event in items.events.iterrows():
        props = _common(dataset, "event", f"event:{event['id']}", event, view.lang, "title")
        props.update(
            date=event["start"].isoformat(),
            date_end=event["end"].isoformat(),
            date_precision=event["date_precision"],
            disclosed=event["public"].isoformat(),
            place_id=event["place_id"],
            location_precision=event["location_precision"],
            kind=event["kind"],
            claim_status=event["claim_status"],
            state=event["state"],
        )
        point = {"type": "Point", "coordinates": [event["lon"], event["lat"]]}
        features.append({"type": "Feature", "geometry": point, "properties": props})
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


def write_geojson(dataset: Dataset, view: MapView, out: Path) -> int:
    collection = feature_collection(dataset, view)
    out.write_text(json.dumps(collection, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(collection["features"])
