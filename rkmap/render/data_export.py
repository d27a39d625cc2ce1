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
from collections.abc import Callable, Iterator
from typing import BinaryIO
from xml.etree import ElementTree

import numpy as np
import pandas as pd

from rkmap.core import style
from rkmap.core.coordinates import finite_json
from rkmap.core.dates import CONTEXT_FIRST
from rkmap.core.memo import memo
from rkmap.core.messages import t
from rkmap.core.text import claim_label, format_date, row_span
from rkmap.core.text_safety import reveal_invisible, xml_text
from rkmap.data import Dataset
from rkmap.data.citation_index import quote_lists
from rkmap.render.geojson import Layer, chunks, collection_header, feature_chunks, layer_features, shown_layers
from rkmap.render.sources import source_ref
from rkmap.render.view import MapView, layer_names

KML_NS = "http://www.opengis.net/kml/2.2"
CSV_COLUMNS = (
    "layer", "id", "name", "name_ja", "date", "date_end", "date_precision", "lon", "lat", "end_lon", "end_lat",
    "place_id", "kind", "claim_status", "origin", "basis", "sources",
)  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # and their fullwidth forms
# A KML folder's name: the layer's in the catalogue.
_LAYER_TITLES = {"place": "layer_places", "route": "layer_route", "event": "layer_events", "user": "user_data"}


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


def _cited_records(dataset: Dataset, layers: list[Layer]) -> list[dict[str, str]]:
    """The sources any shown feature cites."""
    ids = {name for layer in layers for name in layer.cited.names[np.unique(layer.cited.codes)].tolist()}
    return _source_records(dataset, ids)


def to_geojson(dataset: Dataset, view: MapView) -> dict[str, object]:
    """The map's features (``rkmap.render.geojson``), each with ``origin``, plus the cited sources."""
    return _collection(dataset, view, shown_layers(dataset, view))


def _collection(dataset: Dataset, view: MapView, layers: list[Layer]) -> dict[str, object]:
    features = [feature for chunk in feature_chunks(layers, view.lang, origin=True) for feature in chunk]
    return collection_header(view) | {"features": features, "sources": _cited_records(dataset, layers)}


# Larger collections are written compactly: indenting them goes through json's slow pure-Python encoder.
MAX_INDENTED_FEATURES = 2000
_COMPACT = {"ensure_ascii": False, "separators": (",", ":")}


def write_geojson(dataset: Dataset, view: MapView, out: BinaryIO) -> int:
    """Write :func:`to_geojson` as JSON (never NaN or Infinity); the number of features.

    A large collection is written a chunk of features at a time, each chunk dumped compactly on its own, so
    the bytes are those of dumping the whole collection without ever holding it.
    """
    layers = shown_layers(dataset, view)
    count = sum(len(layer) for layer in layers)
    if count <= MAX_INDENTED_FEATURES:
        out.write((finite_json(_collection(dataset, view, layers), ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
        return count
    out.write(finite_json(collection_header(view), **_COMPACT)[:-1].encode("utf-8") + b',"features":[')
    for n, chunk in enumerate(feature_chunks(layers, view.lang, origin=True)):
        out.write(("," if n else "").encode("utf-8") + finite_json(chunk, **_COMPACT)[1:-1].encode("utf-8"))
    out.write(('],"sources":' + finite_json(_cited_records(dataset, layers), **_COMPACT) + "}\n").encode("utf-8"))
    return count


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


def _placemark(dataset: Dataset, view: MapView, layer: Layer, feature: dict, row: dict, quotes: list[tuple[str, str]]) -> ElementTree.Element:
    lang = view.lang
    props = feature["properties"]
    group = "user" if props["origin"] == "user" else layer.name
    item = layer.prefix + ":" + props["id"]
    mark = ElementTree.Element("Placemark", id=_xml_id(item))
    _sub(mark, "name", str(props["label"]))
    lines = []
    undated = row.get("start") == CONTEXT_FIRST  # an analyst's undated line: context, shown at every date
    if layer.name in ("route", "event"):
        lines.append(row_span(row, lang))
        lines.append(claim_label(row["claim_status"], lang))
    if layer.name == "event":
        place = row.get("place_name_ja") if lang == "ja" and row.get("place_name_ja") else row.get("place_name_en", "")
        lines.append(str(place or ""))
        summary = row.get("summary_ja") if lang == "ja" and row.get("summary_ja") else row.get("summary_en", "")
        lines.append(str(summary or ""))
    if layer.name == "place":
        role = row.get("role_ja") if lang == "ja" and row.get("role_ja") else row.get("role_en", "")
        lines.append(str(role or ""))
    sources = _citation_lines(dataset, quotes)
    if sources:
        lines += ["", t("sources_heading", lang), *sources]
    _sub(mark, "description", _description(lines))
    if layer.name in ("route", "event") and not undated:  # without a TimeSpan, Google Earth shows it at every time
        span = _sub(mark, "TimeSpan")
        begin = row["public"] if view.clock == "public" else row["start"]
        _sub(span, "begin", begin.isoformat())
        if view.clock == "event":
            _sub(span, "end", row["end"].isoformat())
    style_id = "user" if group == "user" else layer.name
    if layer.name == "route":
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
    return mark


def _folders(layers: list[Layer]) -> list[tuple[str, list[tuple[Layer, np.ndarray]]]]:
    """Per folder (a layer's shipped rows, or the analyst's rows of every layer), in the order of its first
    feature: its rows, layer by layer."""
    first: dict[str, tuple[int, int]] = {}
    for n, layer in enumerate(layers):
        for group, mask in ((layer.name, ~layer.user), ("user", layer.user)):
            if mask.any():
                first.setdefault(group, (n, int(np.argmax(mask))))  # a later layer's rows come later
    order = sorted(first, key=first.__getitem__)
    return [(group, [(layer, np.flatnonzero(layer.user if group == "user" else ~layer.user)) for layer in layers if group in (layer.name, "user")]) for group in order]


def _xml(element: ElementTree.Element, level: int) -> bytes:
    """``element`` as ``ElementTree.indent`` of the whole document at ``level`` would write it (without its tail)."""
    ElementTree.indent(element, space=" ", level=level)
    return ElementTree.tostring(element, encoding="utf-8", xml_declaration=False)


def write_kml(dataset: Dataset, view: MapView, out: BinaryIO) -> int:
    """KML 2.2: a folder per layer (and one for the user's data); Placemarks with TimeSpan and sources.

    Written a Placemark at a time, each serialised by ElementTree (XML-escaped) at its depth, so the bytes are
    those of indenting and writing the whole tree, which at a million placemarks took gigabytes.
    """
    lang = view.lang
    layers = shown_layers(dataset, view)
    head = ElementTree.Element("Document")
    day = format_date(view.as_of, lang)
    # In the export's language, through the catalogue (#24: the Japanese KML's were English, the clock and layers by their keys).
    shown = layer_names(view)
    _sub(head, "name", t("kml_name", lang, date=day))
    _sub(head, "description", html.escape(t("kml_description", lang, date=day, clock=t(f"clock_{view.clock}", lang), layers=shown)))
    _styles(head)
    out.write(f'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="{KML_NS}">\n <Document>'.encode())
    for element in head:
        out.write(b"\n  " + _xml(element, 2))
    count = 0
    for group, parts in _folders(layers):
        out.write(b"\n  <Folder>\n   " + _xml(_sub(ElementTree.Element("Folder"), "name", t(_LAYER_TITLES[group], lang)), 3))
        for layer, positions in parts:
            for rows in chunks(positions):
                frame = layer.shown.rows(rows)
                features, records = layer_features(layer, rows, lang, origin=True, frame=frame), _records(frame)
                for feature, row, quotes in zip(features, records, quote_lists(dataset, layer.cited, rows)):
                    out.write(b"\n   " + _xml(_placemark(dataset, view, layer, feature, row, quotes), 3))
                count += len(features)
        out.write(b"\n  </Folder>")
    out.write(b"\n </Document>\n</kml>\n")
    return count


def _records(frame: pd.DataFrame) -> list[dict[str, object]]:
    """Rows as plain dicts (empty text for missing cells): a dict lookup per feature, not a pandas one."""
    return frame.astype(object).where(frame.notna(), "").to_dict("records")


def _xml_id(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text)


# --- CSV


def _safe_cell(value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and value != value) else reveal_invisible(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_row(feature: dict, titles: dict[str, str]) -> dict[str, object]:
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
    return {k: _safe_cell(v) if k in _CSV_TEXT else ("" if v is None else v) for k, v in row.items()}


_CSV_TEXT = {"layer", "id", "name", "name_ja", "place_id", "kind", "claim_status", "origin", "basis", "sources"}


def write_csv(dataset: Dataset, view: MapView, out: BinaryIO) -> int:
    """One row per feature; ``sources`` as 'id: title; …'. Text cells never start a formula. Written a chunk at a time."""
    layers = shown_layers(dataset, view)
    titles = {s["id"]: s["title"] for s in _cited_records(dataset, layers)}
    count = 0
    for n, features in enumerate(_chunks_with_header(feature_chunks(layers, view.lang, origin=True))):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
        if n == 0:
            buffer.write("\ufeff")
            writer.writeheader()
        writer.writerows(_csv_row(feature, titles) for feature in features)
        out.write(buffer.getvalue().encode("utf-8"))
        count += len(features)
    return count


def _chunks_with_header(chunks: Iterator[list[dict]]) -> Iterator[list[dict]]:
    """The chunks, after an empty one: the header is written even when no feature is shown."""
    yield []
    yield from chunks


WRITERS: dict[str, Callable[[Dataset, MapView, BinaryIO], int]] = {"geojson": write_geojson, "kml": write_kml, "csv": write_csv}


def write_export(dataset: Dataset, view: MapView, fmt: str, out: BinaryIO) -> int:
    """Write the view as ``fmt`` ('geojson', 'kml' or 'csv') to ``out``, a piece at a time; the number of features."""
    return WRITERS[fmt](dataset, view, out)


def export_bytes(dataset: Dataset, view: MapView, fmt: str) -> bytes:
    """``fmt``: 'geojson', 'kml' or 'csv'."""
    buffer = io.BytesIO()  # grown in place: no second copy of the file, as joining its pieces would make
    write_export(dataset, view, fmt, buffer)
    return buffer.getvalue()


def to_kml(dataset: Dataset, view: MapView) -> bytes:
    return export_bytes(dataset, view, "kml")


def to_csv(dataset: Dataset, view: MapView) -> bytes:
    return export_bytes(dataset, view, "csv")


MIMES = {"geojson": "application/geo+json", "kml": "application/vnd.google-earth.kml+xml", "csv": "text/csv"}
