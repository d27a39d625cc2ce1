"""What the map shows, as data: GeoJSON, KML (Google Earth) and CSV, each with its sources.

All three go through :func:`rkmap.render.view.visible_items` (via
:func:`rkmap.render.geojson.feature_collection`), so they hold exactly the
features the map draws for a view — its date, clock and layers — the
user's own data included (``origin`` = ``user``).

Text from the data is never markup: KML is built with ElementTree (XML
escaped) and its descriptions, which Google Earth renders as HTML, are
HTML-escaped first; CSV cells that a spreadsheet would run as a formula
are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import html
import io
from xml.etree import ElementTree

import pandas as pd

from rkmap.core import style
from rkmap.core.coordinates import finite_json
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.text import claim_label, format_span
from rkmap.core.text_safety import reveal_invisible, xml_text
from rkmap.data import Dataset
from rkmap.data.citation_index import quotes_by_item
from rkmap.render.geojson import feature_collection
from rkmap.render.sources import source_ref
from rkmap.render.view import MapView, visible_items

KML_NS = "http://www.opengis.net/kml/2.2"
CSV_COLUMNS = (
    "layer", "id", "name", "name_ja", "date", "date_end", "date_precision", "lon", "lat", "end_lon", "end_lat",
    "place_id", "kind", "claim_status", "origin", "basis", "sources",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their fullwidth forms
_LAYER_TITLES = {
    "place": ("Places", "地点"),
    "route": ("2023 arms-transfer route", "2023年の武器移送ルート"),
    "event": ("Events", "出来事"),
    "user": ("Your data", "あなたのデータ"),
}


def _user_ids(dataset: Dataset) -> dict[str, set[str]]:
    """Ids of the user's rows per feature layer."""
    out = {}
    for layer, frame in (("place", dataset.places), ("route", dataset.route_legs), ("event", dataset.events)):
        out[layer] = set(frame.loc[frame["origin"] == "user", "id"]) if "origin" in frame.columns else set()
    return out


def _source_records(dataset: Dataset, ids: set[str]) -> list[dict[str, str]]:
    records = []
    for source_id in sorted(ids):
        if source_id not in dataset.sources.index:
            continue
        row = dataset.sources.loc[source_id]
        record = {key: str(row.get(key, "") or "") for key in ("id", "kind", "title", "publisher", "published", "locator")}
        ref = source_ref(0, str(source_id), row)
        if record["kind"] == "seed":
            record["locator"] = ""  # a file name of the project's copy: nothing a reader can follow
        record["url"] = ref.url
        record["citation"] = ref.text("en")  # 'Publisher: Title (date)', as in the images
        records.append(record)
    return records


def to_geojson(dataset: Dataset, view: MapView) -> dict[str, object]:
    """The map's features (``rkmap.render.geojson``), each with ``origin``, plus the cited sources."""
    collection = feature_collection(dataset, view)
    user = _user_ids(dataset)
    cited: set[str] = set()
    for feature in collection["features"]:  # type: ignore[union-attr]
        props = feature["properties"]
        props["origin"] = "user" if props["id"] in user[props["layer"]] else "shipped"
        cited.update(props["sources"])
    collection["sources"] = _source_records(dataset, cited)
    return collection


# Larger collections are written compactly: indenting them goes through json's slow pure-Python encoder.
MAX_INDENTED_FEATURES = 2000


def geojson_bytes(dataset: Dataset, view: MapView) -> bytes:
    collection = to_geojson(dataset, view)
    compact = len(collection["features"]) > MAX_INDENTED_FEATURES  # type: ignore[arg-type]
    text = finite_json(collection, ensure_ascii=False, separators=(",", ":")) if compact else finite_json(collection, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


# --- KML


def _kml_colour(rgb: style.RGB, alpha: int = 255) -> str:
    r, g, b = rgb
    return f"{alpha:02x}{b:02x}{g:02x}{r:02x}"  # KML is aabbggrr


def _sub(parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = xml_text(text)  # no control character XML forbids; bidi and zero-width controls shown
    return element


def _source_labels(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """source id -> ('Publisher: Title (date)', URL), once per dataset."""

    def build() -> dict[str, tuple[str, str]]:
        out = {}
        for source_id, row in dataset.sources.iterrows():
            ref = source_ref(0, str(source_id), row)
            out[str(source_id)] = (ref.text("en"), ref.url)
        return out

    return memo(dataset, "source-labels", build)


def _citation_lines(dataset: Dataset, pairs: list[tuple[str, str]]) -> list[str]:
    """'[n] Publisher: Title (date) — URL' per source, in order of first citation, with its quotes (each once)."""
    quotes: dict[str, dict[str, None]] = {}
    for source_id, quote in pairs:
        quotes.setdefault(source_id, {})
        if quote:
            quotes[source_id][quote] = None
    labels = _source_labels(dataset)
    lines = []
    for n, (source_id, texts) in enumerate(quotes.items(), start=1):
        title, locator = labels.get(source_id, ("", ""))
        title = title or "source"
        lines.append(f"[{n}] {title}" + (f" — {locator}" if locator else "") + "".join(f"\n    “{q}”" for q in texts))
    return lines


def _description(lines: list[str]) -> str:
    """Plain text lines as HTML (Google Earth renders descriptions as HTML): escaped, then <br>."""
    return "<br>".join(html.escape(line).replace("\n", "<br>") for line in lines if line)


def _styles(document: ElementTree.Element) -> None:
    specs = {
        "place": (style.PLACE_INK, None),
        "event": (style.EVENT_COLOURS["summit"], None),
        "user": (style.USER_COLOUR, None),
        "route-sea": (None, style.MODE_COLOURS["sea"]),
        "route-rail": (None, style.MODE_COLOURS["rail"]),
        "route-user": (None, style.USER_COLOUR),
    }
    for key, (icon, line) in specs.items():
        element = _sub(document, "Style", id=key)
        if icon is not None:
            _sub(_sub(element, "IconStyle"), "color", _kml_colour(icon))
        if line is not None:
            line_style = _sub(element, "LineStyle")
            _sub(line_style, "color", _kml_colour(line))
            _sub(line_style, "width", "3")


def to_kml(dataset: Dataset, view: MapView) -> bytes:
    """KML 2.2: a folder per layer (and one for the user's data); Placemarks with TimeSpan and sources."""
    ElementTree.register_namespace("", KML_NS)
    lang = view.lang
    collection = to_geojson(dataset, view)
    items = visible_items(dataset, view)
    rows = {layer: _records_by_id(frame) for layer, frame in (("place", items.places), ("route", items.route_legs), ("event", items.events))}
    quotes = quotes_by_item(dataset)
    kml = ElementTree.Element("kml", xmlns=KML_NS)
    document = _sub(kml, "Document")
    _sub(document, "name", f"Russia–North Korea map as of {view.as_of.isoformat()}")
    _sub(document, "description", html.escape(f"As of {view.as_of.isoformat()}; clock: {view.clock}; layers: {', '.join(sorted(view.layers))}. Exported with the sources of every feature."))
    _styles(document)
    folders: dict[str, ElementTree.Element] = {}
    for feature in collection["features"]:  # type: ignore[union-attr]
        props = feature["properties"]
        layer = props["layer"]
        group = "user" if props["origin"] == "user" else layer
        if group not in folders:
            folders[group] = _sub(document, "Folder")
            en, ja = _LAYER_TITLES[group]
            _sub(folders[group], "name", ja if lang == "ja" else en)
        row = rows[layer][props["id"]]
        item = {"place": "place", "route": "leg", "event": "event"}[layer] + ":" + props["id"]
        mark = _sub(folders[group], "Placemark", id=_xml_id(item))
        _sub(mark, "name", str(props["label"]))
        lines = []
        if layer in ("route", "event"):
            lines.append(format_span(row["start"], row["end"], row["date_precision"], lang))
            lines.append(claim_label(row["claim_status"], lang))
        if layer == "event":
            place = row.get("place_name_ja") if lang == "ja" and row.get("place_name_ja") else row.get("place_name_en", "")
            lines.append(str(place or ""))
            summary = row.get("summary_ja") if lang == "ja" and row.get("summary_ja") else row.get("summary_en", "")
            lines.append(str(summary or ""))
        if layer == "place":
            role = row.get("role_ja") if lang == "ja" and row.get("role_ja") else row.get("role_en", "")
            lines.append(str(role or ""))
        sources = _citation_lines(dataset, quotes.get(item, []))
        if sources:
            lines += ["", t("sources_heading", lang), *sources]
        _sub(mark, "description", _description(lines))
        if layer in ("route", "event"):
            span = _sub(mark, "TimeSpan")
            begin = row["public"] if view.clock == "public" else row["start"]
            _sub(span, "begin", begin.isoformat())
            if view.clock == "event":
                _sub(span, "end", row["end"].isoformat())
        style_id = "user" if group == "user" else layer
        if layer == "route":
            style_id = "route-user" if group == "user" or row["mode"] not in ("sea", "rail") else f"route-{row['mode']}"
        _sub(mark, "styleUrl", f"#{style_id}")
        data = _sub(mark, "ExtendedData")
        for key in ("layer", "id", "date", "date_end", "claim_status", "place_id", "origin", "basis"):
            if props.get(key) not in (None, ""):
                entry = _sub(data, "Data", name=key)
                _sub(entry, "value", str(props[key]))
        entry = _sub(data, "Data", name="sources")
        _sub(entry, "value", "; ".join(props["sources"]))
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            lon, lat = geometry["coordinates"][:2]
            _sub(_sub(mark, "Point"), "coordinates", f"{float(lon):.6f},{float(lat):.6f}")
        else:
            line = _sub(mark, "LineString")
            _sub(line, "tessellate", "1")
            _sub(line, "coordinates", " ".join(f"{x:.5f},{y:.5f}" for x, y, *_ in geometry["coordinates"]))
    ElementTree.indent(kml, space=" ")
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(kml, encoding="utf-8", xml_declaration=False) + b"\n"


def _records_by_id(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
    """Rows as plain dicts by id (empty text for missing cells): a dict lookup per feature, not a pandas one."""
    records = frame.astype(object).where(frame.notna(), "").to_dict("records")
    return {str(record["id"]): record for record in records}


def _xml_id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


# --- CSV


def _safe_cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else reveal_invisible(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(dataset: Dataset, view: MapView) -> bytes:
    """One row per feature; ``sources`` as 'id: title; …'. Text cells never start a formula."""
    collection = to_geojson(dataset, view)
    titles = {s["id"]: s["title"] for s in collection["sources"]}  # type: ignore[index]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    text_columns = {"layer", "id", "name", "name_ja", "place_id", "kind", "claim_status", "origin", "basis", "sources"}
    for feature in collection["features"]:  # type: ignore[union-attr]
        props = feature["properties"]
        geometry = feature["geometry"]
        if geometry["type"] == "Point":
            (lon, lat), (end_lon, end_lat) = geometry["coordinates"][:2], ("", "")
        else:
            coords = geometry["coordinates"]
            (lon, lat), (end_lon, end_lat) = coords[0][:2], coords[-1][:2]
        row = {
            "layer": props["layer"],
            "id": props["id"],
            "name": props["name"],
            "name_ja": props["name_ja"],
            "date": props.get("date", ""),
            "date_end": props.get("date_end", ""),
            "date_precision": props.get("date_precision", ""),
            "lon": lon,
            "lat": lat,
            "end_lon": end_lon,
            "end_lat": end_lat,
            "place_id": props.get("place_id", ""),
            "kind": props.get("kind", props.get("mode", "")),
            "claim_status": props.get("claim_status", ""),
            "origin": props["origin"],
            "basis": props.get("basis", ""),
            "sources": "; ".join(f"{s}: {titles.get(s, '')}" for s in props["sources"]),
        }
        writer.writerow({k: _safe_cell(v) if k in text_columns else ("" if v is None else v) for k, v in row.items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_bytes(dataset: Dataset, view: MapView, fmt: str) -> bytes:
    """``fmt``: 'geojson', 'kml' or 'csv'."""
    return {"geojson": geojson_bytes, "kml": to_kml, "csv": to_csv}[fmt](dataset, view)


MIMES = {"geojson": "application/geo+json", "kml": "application/vnd.google-earth.kml+xml", "csv": "text/csv"}

