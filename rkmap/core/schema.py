"""The tables of the dataset, their columns and the values each column accepts.

One declaration serves validation, the documentation in ``geodata/README.md``
and the template offered to analysts who add their own data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnKind = Literal["id", "text", "enum", "float", "date", "ref", "refs", "int"]

PLACE_KINDS = (
    "city",
    "capital",
    "port",
    "spaceport",
    "border_crossing",
    "rail_hub",
    "country",
    "region",
)
# Places of these kinds are areas: events there are drawn as an area, never a point.
AREA_KINDS = ("country", "region")
LOCATION_PRECISIONS = ("site", "city", "region", "country")
EVENT_KINDS = (
    "summit",
    "visit",
    "trade",
    "transfer",
    "report",
    "meeting",
)
CLAIM_STATUSES = ("confirmed", "reported", "asserted", "denied")
# Not established by both sides or by more than one independent source.
CONTESTED_STATUSES = ("reported", "asserted", "denied")
MODES = ("sea", "rail")
CITATION_FIELDS = (
    "coordinates",
    "role",
    "date",
    "disclosed",
    "place",
    "summary",
    "quantity",
    "claim",
    "route",
    "carrier",
)


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool = True
    choices: tuple[str, ...] = ()
    ref: str | None = None  # table whose ids a ref/refs column names
    bounds: tuple[float, float] | None = None
    doc: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    columns: tuple[Column, ...]
    doc: str = ""
    key: str = "id"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


_TEXT_EN_JA = lambda stem, doc, required=True: (
    Column(f"{stem}_en", "text", required, doc=f"{doc} (English)"),
    Column(f"{stem}_ja", "text", required, doc=f"{doc} (Japanese)"),
)

SOURCES = Table(
    "sources",
    "sources.csv",
    (
        Column("id", "id", doc="Short stable id, cited from citations.csv"),
        Column("kind", "enum", choices=("seed", "public", "gazetteer", "dataset"), doc="seed = one of the five seed articles"),
        Column("title", "text"),
        Column("publisher", "text", required=False),
        Column("author", "text", required=False),
        Column("published", "date", required=False, doc="Publication date (partial ISO allowed)"),
        Column("language", "text"),
        Column("locator", "text", doc="Seed file name or URL"),
        Column("sha256", "text", required=False, doc="For seeds: SHA-256 of the file"),
        Column("note", "text", required=False),
        Column("accessed", "date", required=False, doc="When the source was read (for public pages: the day read, from a stored copy where the note says so)"),
    ),
    doc="Every source a fact rests on.",
)

PLACES = Table(
    "places",
    "places.csv",
    (
        Column("id", "id"),
        *_TEXT_EN_JA("name", "Name"),
        Column("kind", "enum", choices=PLACE_KINDS),
        Column("location_precision", "enum", choices=LOCATION_PRECISIONS, doc="How exactly the coordinates locate the place"),
        Column("lon", "float", bounds=(-180.0, 180.0), doc="WGS84 longitude"),
        Column("lat", "float", bounds=(-90.0, 90.0), doc="WGS84 latitude"),
        Column("radius_km", "float", required=False, bounds=(0.0, 5000.0), doc="For areas: radius of the area symbol"),
        Column("country", "enum", choices=("RU", "KP", "UA", "CN")),
        Column("coord_source", "ref", ref="sources", doc="Gazetteer or source of the coordinates"),
        *_TEXT_EN_JA("role", "Why the place matters"),
        Column("on_map", "enum", choices=("yes", "no"), doc="no = an area used only to locate imprecise events"),
    ),
    doc="Places of the relationship and the areas imprecise events are known to.",
)

EVENTS = Table(
    "events",
    "events.csv",
    (
        Column("id", "id"),
        Column("date", "date", doc="Start: YYYY, YYYY-MM or YYYY-MM-DD; the form sets the precision"),
        Column("date_end", "date", required=False, doc="End of a span, if the event lasted or its day is only known to a range"),
        Column("disclosed", "date", required=False, doc="When it became public, where that differs from the event date"),
        Column("place_id", "ref", ref="places"),
        Column("kind", "enum", choices=EVENT_KINDS),
        *_TEXT_EN_JA("title", "Short title"),
        *_TEXT_EN_JA("summary", "Summary"),
        Column("claim_status", "enum", choices=CLAIM_STATUSES),
        Column("asserted_by", "text", required=False),
        Column("denied_by", "text", required=False),
        *_TEXT_EN_JA("quantity", "Quantity stated by the sources", required=False),
    ),
    doc="Dated events with a place.",
)

ROUTE_LEGS = Table(
    "route_legs",
    "route_legs.csv",
    (
        Column("id", "id"),
        Column("mode", "enum", choices=MODES),
        Column("from_place", "ref", ref="places"),
        Column("to_place", "ref", ref="places"),
        Column("date", "date"),
        Column("date_end", "date", required=False),
        Column("disclosed", "date", required=False),
        Column("geometry", "text", doc="GeoJSON file under geodata/geometry/ with the leg's line"),
        *_TEXT_EN_JA("title", "Short title"),
        *_TEXT_EN_JA("carrier", "Carrier"),
        *_TEXT_EN_JA("quantity", "Quantity stated by the sources"),
        Column("claim_status", "enum", choices=CLAIM_STATUSES),
        Column("asserted_by", "text", required=False),
        Column("denied_by", "text", required=False),
    ),
    doc="Legs of the documented 2023 arms-transfer route.",
)

CITATIONS = Table(
    "citations",
    "citations.csv",
    (
        Column("item", "text", doc="place:ID, event:ID or leg:ID"),
        Column("field", "enum", choices=CITATION_FIELDS, doc="Which fact of the item the quote supports"),
        Column("source", "ref", ref="sources"),
        Column("quote", "text", required=False, doc="Verbatim words of the source, original language"),
        Column("locator", "text", required=False, doc="Where in the source (paragraph, caption, footnote)"),
        Column("note", "text", required=False),
    ),
    doc="Which source supports which fact of which item.",
    key="",
)

DISAGREEMENTS = Table(
    "disagreements",
    "disagreements.csv",
    (
        Column("id", "id"),
        Column("item", "text", required=False, doc="place:ID, event:ID or leg:ID; empty when the item is not on the map"),
        Column("field", "text"),
        *_TEXT_EN_JA("summary", "What the sources say, side by side"),
        Column("sources", "refs", ref="sources"),
    ),
    doc="Where sources disagree with each other or with the public record.",
)

TABLES: tuple[Table, ...] = (SOURCES, PLACES, EVENTS, ROUTE_LEGS, CITATIONS, DISAGREEMENTS)
ITEM_PREFIXES = {"place": "places", "event": "events", "leg": "route_legs"}


@dataclass(frozen=True)
class RequiredCitations:
    """Facts every item of a table must cite."""

    table: str
    fields: tuple[str, ...] = field(default_factory=tuple)


REQUIRED_CITATIONS = (
    RequiredCitations("places", ("coordinates", "role")),
    RequiredCitations("events", ("date", "place", "summary")),
    RequiredCitations("route_legs", ("route", "date", "disclosed", "quantity", "claim", "carrier")),
)

# An event row may carry its own source for these fields (columns source, source_quote).
ROW_SOURCE_COLUMNS = ("source", "source_quote")
ROW_SOURCE_FIELDS = ("date", "place", "summary")
