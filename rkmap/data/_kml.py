"""KML 2.2 and KMZ as Google Earth and My Maps write them, read without GDAL.

Read here rather than through pyogrio so that dates keep their precision
(``<when>2023-10</when>`` is a month, not 1 October) and a bad geometry is
reported, not silently nulled. Per Placemark: ``name``, ``description``,
``ExtendedData`` (``Data``/``value`` and ``SchemaData``/``SimpleData``),
``TimeStamp``/``TimeSpan``, the names of the enclosing Folders (``folder``,
outer first, joined by ' / '), and the geometry: Point, LineString,
LinearRing, Polygon, MultiGeometry, ``gx:Track`` and ``gx:MultiTrack`` (a
dated line: its first and last ``when``). Styles, Models, overlays and
anything else are skipped. XML entities are refused (no expansion).

Before the tree is built, one streaming pass of expat (any encoding the
document declares, UTF-16 included) refuses a DOCTYPE or entity declaration
and nesting deeper than ``MAX_DEPTH`` (rkmap/data/budgets.py): the tree is
then built only for a document within the budgets. A KMZ's KML is unpacked
in chunks and refused as soon as it passes ``MAX_UNPACKED_BYTES``, whatever
the zip's header claims.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree
from xml.parsers import expat

from shapely.geometry import GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon

from rkmap.data import budgets as _budgets

# A KMZ is refused when its KML would unpack to more than this (a zip bomb).
MAX_KML_BYTES = _budgets.MAX_UNPACKED_BYTES
_CHUNK = 1 << 20


class KmlError(ValueError):
    """The file as a whole is not readable KML/KMZ."""


_LOCAL_NAMES: dict[object, str] = {}


def _local(tag: object) -> str:
    """A tag without its namespace; remembered, as a file repeats a few tags a million times."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = str(tag).rsplit("}", 1)[-1]
        if len(_LOCAL_NAMES) < 10_000:  # a hostile file's made-up tags do not grow it without bound
            _LOCAL_NAMES[tag] = name
    return name


def _child(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ElementTree.Element | None, name: str) -> str:
    found = None if element is None else _child(element, name)
    return "" if found is None or found.text is None else found.text.strip()


def _coords(text: str) -> list[tuple[float, float]]:
    try:
        return _tuples(text)
    except ValueError:
        # 'lon, lat' as hand-written (and accepted by Google Earth): KML 2.2 puts no space in a tuple, so a
        # space next to a comma is never a tuple separator.
        return _tuples(_SPACED_COMMA.sub(",", text))


_SPACED_COMMA = re.compile(r"\s*,\s*")


def _tuples(text: str) -> list[tuple[float, float]]:
    points = []
    for chunk in text.split():
        parts = chunk.split(",")
        try:
            points.append((float(parts[0]), float(parts[1])))
        except (ValueError, IndexError):
            raise ValueError(f"'{chunk[:40]}' is not lon,lat") from None
    return points


def _track(element: ElementTree.Element) -> tuple[object, list[str]]:
    """A gx:Track: its line (or point) and its 'when' values."""
    whens = [(c.text or "").strip() for c in element if _local(c.tag) == "when" and (c.text or "").strip()]
    points = []
    for c in element:
        if _local(c.tag) == "coord" and (c.text or "").strip():
            parts = (c.text or "").split()
            points.append((float(parts[0]), float(parts[1])))
    if not points:
        return None, whens
    return (LineString(points) if len(points) > 1 else Point(points[0])), whens


def _geometry(element: ElementTree.Element, whens: list[str]) -> object:
    tag = _local(element.tag)
    if tag == "Point":
        coords = _coords(_text(element, "coordinates"))
        return Point(coords[0]) if coords else None
    if tag in ("LineString", "LinearRing"):
        coords = _coords(_text(element, "coordinates"))
        return LineString(coords) if len(coords) > 1 else (Point(coords[0]) if coords else None)
    if tag == "Polygon":
        rings = []
        for boundary in ("outerBoundaryIs", "innerBoundaryIs"):
            for part in (c for c in element if _local(c.tag) == boundary):
                ring = next((r for r in part if _local(r.tag) == "LinearRing"), None)
                if ring is not None:
                    rings.append(_coords(_text(ring, "coordinates")))
        return Polygon(rings[0], rings[1:]) if rings and len(rings[0]) >= 3 else None
    if tag == "Track":
        line, found = _track(element)
        whens.extend(found)
        return line
    if tag in ("MultiGeometry", "MultiTrack"):
        parts = [g for g in (_geometry(c, whens) for c in element) if g is not None]
        return _collect(parts)
    return None


def _collect(parts: list[object]) -> object:
    """Parts of a MultiGeometry as one geometry: Multi* of one kind, else a collection."""
    flat = []
    for p in parts:
        flat.extend(getattr(p, "geoms", [p]))
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    kinds = {g.geom_type for g in flat}
    if kinds == {"Point"}:
        return MultiPoint(flat)
    if kinds == {"LineString"}:
        return MultiLineString(flat)
    if kinds == {"Polygon"}:
        return MultiPolygon(flat)
    return GeometryCollection(flat)


# A description is HTML (KML 2.2, 9.1.3.6: Google Earth shows it as a web page): read as the text it shows.
_HTML_LINK = re.compile(r"<a\b[^>]*?\bhref\s*=\s*[\"']([^\"']*)[\"'][^>]*>(.*?)</a\s*>", re.IGNORECASE | re.DOTALL)
_HTML_BREAK = re.compile(r"<\s*(?:br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.IGNORECASE)
_HTML_CELL_END = re.compile(r"<\s*/t[dh]\s*>", re.IGNORECASE)
# Only HTML's own elements: an analyst's '<unverified>' stays text.
_HTML_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|body|br|center|code|div|em|font|h[1-6]|head|hr|html|i|img|li|ol|p|pre|small|span|strong|sub|sup|"
    r"table|tbody|td|tfoot|th|thead|tr|u|ul)\b[^>]*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)


def _html_text(description: str) -> str:
    """'date: 2023-10-05<br>source: <b>Field log</b>' as 'date: 2023-10-05\nsource: Field log'; a link as 'text (URL)'."""

    def link(match: re.Match[str]) -> str:
        url, label = match.group(1).strip(), _HTML_TAG.sub("", match.group(2)).strip()
        return url if not label or label == url else f"{label} ({url})"

    text = _HTML_BREAK.sub("\n", _HTML_LINK.sub(link, description))
    text = html.unescape(_HTML_TAG.sub("", _HTML_CELL_END.sub(" ", text)))
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


_GEOMETRY_TAGS = {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack"}
# A Placemark is read where Google Earth shows it: in the document, in its Folders (not inside an Update, say).
_CONTAINERS = {"kml", "Document", "Folder"}


def kml_bytes(content: bytes, kmz: bool) -> bytes:
    """The KML document of a KML or KMZ file."""
    if not kmz:
        return content
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise KmlError("is not a KMZ (zip) archive.") from None
    names = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
    if not names:
        raise KmlError("is a KMZ without a .kml document inside.")
    info = next((i for i in names if i.filename.lower() == "doc.kml"), min(names, key=lambda i: (i.filename.count("/"), i.filename)))
    if info.file_size > MAX_KML_BYTES:
        raise _budgets.unpacked("its KML")
    out = bytearray()
    with archive.open(info) as stream:  # the header's size may lie: count what comes out
        while chunk := stream.read(_CHUNK):
            out += chunk
            if len(out) > MAX_KML_BYTES:
                raise _budgets.unpacked("its KML")
    return bytes(out)


class _Refused(Exception):
    def __init__(self, error: _budgets.BudgetError | KmlError) -> None:
        self.error = error


def _check(content: bytes) -> None:
    """One streaming expat pass: no DOCTYPE or entity declaration (in any encoding), nesting within MAX_DEPTH."""
    parser = expat.ParserCreate()
    depth = 0

    def doctype(*_args: object) -> None:
        raise _Refused(KmlError("declares a DOCTYPE or XML entities, which are not accepted."))

    def start(*_args: object) -> None:
        nonlocal depth
        depth += 1
        if depth > _budgets.MAX_DEPTH:
            raise _Refused(_budgets.too_deep())

    def end(*_args: object) -> None:
        nonlocal depth
        depth -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        for offset in range(0, max(len(content), 1), _CHUNK):
            parser.Parse(content[offset : offset + _CHUNK], offset + _CHUNK >= len(content))
    except _Refused as refused:
        raise refused.error from None
    except expat.ExpatError as exc:
        raise KmlError(f"is not valid XML ({expat.ErrorString(exc.code)}: line {exc.lineno}, column {exc.offset}).") from None


def read_kml(content: bytes) -> Iterator[tuple[dict[str, str], object, str]]:
    """(record, geometry, error) per Placemark, in document order; error '' when the geometry read.

    A Placemark's Point comes as its ``(lon, lat)`` tuple, other geometry as shapely.

    The tree is built one Placemark at a time (a pull parser): each is read at
    its end tag and then removed from its parent, so a 200 MB file of a
    million Placemarks is never held as a million elements (that tree weighed
    some 1.5 GB).
    """
    if b"<!ENTITY" in content or b"<!DOCTYPE" in content:
        raise KmlError("declares a DOCTYPE or XML entities, which are not accepted.")
    _check(content)
    parser = ElementTree.XMLPullParser(events=("start", "end"))
    open_elements: list[ElementTree.Element] = []
    try:
        for offset in range(0, max(len(content), 1), _CHUNK):
            parser.feed(content[offset : offset + _CHUNK])
            yield from _read_events(parser, open_elements)
        parser.close()
        yield from _read_events(parser, open_elements)
    except ElementTree.ParseError as exc:
        raise KmlError(f"is not valid XML ({exc}).") from None


def _read_events(parser: ElementTree.XMLPullParser, open_elements: list[ElementTree.Element]) -> Iterator[tuple[dict[str, str], object, str]]:
    for event, element in parser.read_events():
        if event == "start":
            if not open_elements and _local(element.tag) != "kml":
                raise KmlError("is not KML (the root element is not <kml>).")
            open_elements.append(element)
            continue
        open_elements.pop()
        if _local(element.tag) != "Placemark" or not all(_local(e.tag) in _CONTAINERS for e in open_elements):
            continue
        folders = tuple(name for e in open_elements if _local(e.tag) == "Folder" and (name := _text(e, "name")))
        yield _placemark(element, folders)
        open_elements[-1].remove(element)  # read: its subtree is not needed again


def _placemark(placemark: ElementTree.Element, folders: tuple[str, ...]) -> tuple[dict[str, str], object, str]:
    children: dict[str, ElementTree.Element] = {}
    for child in placemark:  # each child looked up once (the first of a name, as _child finds it)
        children.setdefault(_local(child.tag), child)
    record: dict[str, str] = {}
    for tag in ("name", "description"):
        found = children.get(tag)
        value = "" if found is None or found.text is None else found.text.strip()
        if value and tag == "description" and "<" in value:
            value = _html_text(value)
        if value:
            record[tag] = value
    if folders:
        record["folder"] = " / ".join(folders)
    stamp, span = children.get("TimeStamp"), children.get("TimeSpan")
    if stamp is not None:
        record["when"] = _text(stamp, "when")
    if span is not None:
        record["begin"], record["end"] = _text(span, "begin"), _text(span, "end")
    data = children.get("ExtendedData")
    if data is not None:
        for element in data.iter():
            tag = _local(element.tag)
            if tag == "Data" and element.get("name"):
                record[element.get("name", "")] = _text(element, "value")
            elif tag == "SimpleData" and element.get("name"):
                record[element.get("name", "")] = (element.text or "").strip()
            if len(record) > _budgets.MAX_COLUMNS:
                raise _budgets.too_many_columns("fields in one Placemark's ExtendedData")
    whens: list[str] = []
    geometry, error = None, ""
    try:
        first = next((child for child in placemark if _local(child.tag) in _GEOMETRY_TAGS), None)
        if first is not None and _local(first.tag) == "Point":
            coords = _coords(_text(first, "coordinates"))
            geometry = coords[0] if coords else None  # (lon, lat): the reader makes its points in one call
        elif first is not None:
            geometry = _geometry(first, whens)
    except (ValueError, IndexError) as exc:
        error = f"has coordinates that are not lon,lat numbers ({exc})"
    if whens and not record.get("when") and not record.get("begin"):
        ordered = sorted(whens)
        record["begin"], record["end"] = ordered[0], ordered[-1]
    return record, geometry, error
