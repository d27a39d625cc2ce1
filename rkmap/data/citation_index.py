"""Citations looked up by item in constant time, built once per dataset.

``Dataset.citations_for`` scans the citations table; exports call it once per
feature, which at 10 k events took tens of seconds. These indices are built
once per dataset object (:mod:`rkmap.core.memo`) and give the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rkmap.core.memo import memo
from rkmap.core.schema import ROW_SOURCE_FIELDS

if TYPE_CHECKING:
    from rkmap.data.loading import Dataset


def _rows_by_item(dataset: Dataset) -> dict[str, np.ndarray]:
    return memo(dataset, "citation-rows-by-item", lambda: dict(dataset.citations.groupby("item", sort=False).indices) if len(dataset.citations) else {})


def _with_row_source(events: pd.DataFrame) -> np.ndarray:
    """Positions of the events that cite a source per row (a non-empty ``source``)."""
    if "source" not in events.columns or events.empty:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(events["source"].fillna("").astype(str).ne("").to_numpy(dtype=bool))


def _row_sources(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """'event:<id>' -> (source, quote) for events that cite a source per row."""

    def build() -> dict[str, tuple[str, str]]:
        events, rows = dataset.events, _with_row_source(dataset.events)
        items = ("event:" + events["id"].iloc[rows].astype(str)).tolist()
        return dict(zip(items, zip(*_row_pairs(events, rows)))) if len(rows) else {}

    return memo(dataset, "row-sources-by-item", build)


def _event_items(dataset: Dataset) -> pa.Array:
    """Every event's item key ('event:<id>'), in the table's order, kept per dataset: a lookup scans it rather than building it."""
    return memo(dataset, "event-items-arrow", lambda: _arrow("event:" + dataset.events["id"].astype(str)))


def _citation_items(dataset: Dataset) -> pa.Array:
    return memo(dataset, "citation-items-arrow", lambda: _arrow(dataset.citations["item"]))


@dataclass(frozen=True)
class Cited:
    """The citations of a sequence of items, as flat arrays with offsets: no Python object per item.

    Row ``r`` (the r-th item) has the citation rows ``citation_rows[citation_offsets[r]:citation_offsets[r + 1]]``
    (positions in ``dataset.citations``, in its order), the per-row source of the event ``event_rows[r]`` (a
    position in ``dataset.events``; -1: none), and the sorted distinct source ids
    ``names[codes[source_offsets[r]:source_offsets[r + 1]]]``.
    """

    citation_rows: np.ndarray
    citation_offsets: np.ndarray
    event_rows: np.ndarray
    names: np.ndarray
    codes: np.ndarray
    source_offsets: np.ndarray

    def __len__(self) -> int:
        return len(self.source_offsets) - 1

    def source_lists(self, rows: np.ndarray | None = None) -> list[list[str]]:
        """The sorted source ids of ``rows`` (all by default), a list per row (as :func:`source_ids_for`)."""
        rows = np.arange(len(self)) if rows is None else rows
        starts, stops = self.source_offsets[rows], self.source_offsets[rows + 1]
        flat = self.names[self.codes[_ranges(starts, stops)]].tolist()
        bounds = np.concatenate([[0], np.cumsum(stops - starts)]).tolist()
        return [flat[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def pair_rows(self) -> np.ndarray:
        """The row of each (row, source) pair: ``codes``' owners."""
        return np.repeat(np.arange(len(self)), np.diff(self.source_offsets))


def _arrow(values: pd.Series) -> pa.Array:
    array = pa.array(values.astype(str))
    return (array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array).cast(pa.large_string())


def _index_in(values: pd.Series | pa.Array, value_set: pd.Series | pa.Array) -> np.ndarray:
    """Per value, its position in ``value_set`` (unique), or -1."""
    values, value_set = (v if isinstance(v, pa.Array) else _arrow(v) for v in (values, value_set))
    return pc.fill_null(pc.index_in(values, value_set=value_set), -1).to_numpy().astype(np.int64)


def _offsets(rows: np.ndarray, n: int) -> np.ndarray:
    """Start of each row's run in ``rows`` (sorted), and the end: ``n + 1`` values."""
    return np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64)


def cited(dataset: Dataset, items: pd.Series) -> Cited:
    """The citations of ``items`` (unique ``kind:id`` strings), matched with Arrow's hash lookup.

    A dict keyed by item for the whole dataset (``source_ids_by_item``) took about 30 s and 1 GB at a million
    user rows; this takes a few arrays, for the items asked about (docs/performance-decisions.md).
    """
    n = len(items)
    items = items.reset_index(drop=True)
    wanted = _arrow(items)
    citations = dataset.citations
    if len(citations) and n:
        match = _index_in(_citation_items(dataset), wanted)
        found = np.flatnonzero(match >= 0)
        order = np.argsort(match[found], kind="stable")  # grouped by item, each group in the table's order
        citation_rows, owners = found[order], match[found][order]
    else:
        citation_rows = owners = np.zeros(0, dtype=np.int64)
    event_rows = np.full(n, -1, dtype=np.int64)
    events = dataset.events
    rows = _with_row_source(events) if n else np.zeros(0, dtype=np.int64)
    if len(rows):
        # Each event's item among those asked for (the events scanned, not hashed: one item asked costs a scan).
        owner = _index_in(_event_items(dataset), wanted)[rows]
        hit = rows[owner >= 0][::-1]  # the first event of an id wins, as a lookup by id would
        event_rows[owner[owner >= 0][::-1]] = hit
    with_row_source = np.flatnonzero(event_rows >= 0)
    row_sources = events["source"].iloc[event_rows[with_row_source]].astype(str) if len(with_row_source) else pd.Series([], dtype=str)
    # The source ids stay Arrow strings until the few distinct ones are sorted: no Python string per row.
    sources = pd.concat([citations["source"].iloc[citation_rows].astype(str), row_sources], ignore_index=True)
    names = np.array(sorted(sources.unique().tolist()), dtype=object)
    width = max(len(names), 1)
    # One integer per (item, source): sorting it sorts by item, then by source id; np.unique drops repeats.
    pairs = np.unique(np.concatenate([owners, with_row_source]) * width + _index_in(sources, pd.Series(names, dtype=str)))
    pair_rows, codes = np.divmod(pairs, width)
    return Cited(
        citation_rows=citation_rows,
        citation_offsets=_offsets(owners, n),
        event_rows=event_rows,
        names=names,
        codes=codes,
        source_offsets=_offsets(pair_rows, n),
    )


def quote_lists(dataset: Dataset, found: Cited, rows: np.ndarray) -> list[list[tuple[str, str]]]:
    """Per row, its (source, quote) pairs in citation order, the per-row source last (as :func:`quotes_by_item`)."""
    starts, stops = found.citation_offsets[rows], found.citation_offsets[rows + 1]
    at = found.citation_rows[_ranges(starts, stops)]
    quotes = dataset.citations["quote"].iloc[at]
    pairs = list(zip(dataset.citations["source"].iloc[at].astype(str), quotes.astype(object).where(quotes.notna(), "").astype(str)))
    bounds = np.concatenate([[0], np.cumsum(stops - starts)]).tolist()
    events, at = dataset.events, found.event_rows[rows]
    own = [("", "")] * len(rows)
    for n, source, quote in zip(np.flatnonzero(at >= 0).tolist(), *_row_pairs(events, at[at >= 0])):
        own[n] = (source, quote)
    return [pairs[a:b] + ([pair] if pair[0] else []) for a, b, pair in zip(bounds[:-1], bounds[1:], own)]


def _row_pairs(events: pd.DataFrame, rows: np.ndarray) -> tuple[list[str], list[str]]:
    """The per-row (source, quote) of the events at ``rows``, as ``_row_sources`` has them."""
    sources = events["source"].iloc[rows].fillna("").astype(str).tolist()
    quotes = events["source_quote"].iloc[rows].fillna("").astype(str).tolist() if "source_quote" in events.columns else [""] * len(rows)
    return sources, quotes


def _ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """The positions ``starts[i]:stops[i]`` for every i, concatenated."""
    lengths = stops - starts
    return np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths) + np.arange(lengths.sum())


def cited_items(dataset: Dataset) -> tuple[pd.Series, Cited]:
    """Every item that has a citation or a per-row source (sorted), and their citations."""

    def build() -> tuple[pd.Series, Cited]:
        events = dataset.events
        names = [dataset.citations["item"].astype(str), "event:" + events["id"].iloc[_with_row_source(events)].astype(str)]
        items = pd.Series(sorted(set(pd.concat(names, ignore_index=True).tolist())), dtype=object)
        return items, cited(dataset, items)

    return memo(dataset, "cited-items", build)


def citations_for(dataset: Dataset, item: str) -> pd.DataFrame:
    """An item's citations (rows of ``citations.csv``, then its per-row source, if any)."""
    rows = dataset.citations.iloc[_rows_by_item(dataset).get(item, [])]
    row_source = _row_sources(dataset).get(item)
    if row_source is None:
        return rows
    source, quote = row_source
    extra = pd.DataFrame([{"item": item, "field": f, "source": source, "quote": quote, "locator": "", "note": "per-row source"} for f in ROW_SOURCE_FIELDS])
    return pd.concat([rows, extra], ignore_index=True)


def source_ids_for(dataset: Dataset, item: str) -> list[str]:
    return cited(dataset, pd.Series([item])).source_lists()[0]


def quotes_by_item(dataset: Dataset) -> dict[str, list[tuple[str, str]]]:
    """item -> its (source, quote) pairs in citation order, the per-row source last (as ``citations_for``)."""

    def build() -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        citations = dataset.citations
        if len(citations):
            quotes = citations["quote"].astype(object).where(citations["quote"].notna(), "")
            for item, source, quote in zip(citations["item"].astype(str), citations["source"].astype(str), quotes):
                out.setdefault(item, []).append((source, str(quote)))
        for item, pair in _row_sources(dataset).items():
            out.setdefault(item, []).append(pair)
        return out

    return memo(dataset, "quotes-by-item", build)
