"""Citations looked up by item in constant time, built once per dataset.

``Dataset.citations_for`` scans the citations table; exports call it once per
feature, which at 10 k events took tens of seconds. These indices are built
once per dataset object (:mod:`rkmap.core.memo`) and give the same answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rkmap.core.memo import memo
from rkmap.core.schema import ROW_SOURCE_FIELDS

if TYPE_CHECKING:
    from rkmap.data.loading import Dataset


def _rows_by_item(dataset: Dataset) -> dict[str, np.ndarray]:
    return memo(dataset, "citation-rows-by-item", lambda: dict(dataset.citations.groupby("item", sort=False).indices) if len(dataset.citations) else {})


def _row_sources(dataset: Dataset) -> dict[str, tuple[str, str]]:
    """'event:<id>' -> (source, quote) for events that cite a source per row."""

    def build() -> dict[str, tuple[str, str]]:
        events = dataset.events
        if "source" not in events.columns or events.empty:
            return {}
        has = events["source"].fillna("").astype(str) != ""
        quotes = events["source_quote"].fillna("").astype(str) if "source_quote" in events.columns else pd.Series("", index=events.index)
        items = "event:" + events.loc[has, "id"].astype(str)
        return dict(zip(items, zip(events.loc[has, "source"].astype(str), quotes[has])))

    return memo(dataset, "row-sources-by-item", build)


def citations_for(dataset: Dataset, item: str) -> pd.DataFrame:
    """An item's citations (rows of ``citations.csv``, then its per-row source, if any)."""
    rows = dataset.citations.iloc[_rows_by_item(dataset).get(item, [])]
    row_source = _row_sources(dataset).get(item)
    if row_source is None:
        return rows
    source, quote = row_source
    extra = pd.DataFrame([{"item": item, "field": f, "source": source, "quote": quote, "locator": "", "note": "per-row source"} for f in ROW_SOURCE_FIELDS])
    return pd.concat([rows, extra], ignore_index=True)


def source_ids_by_item(dataset: Dataset) -> dict[str, list[str]]:
    """item -> its sorted source ids, for every item that has a citation or a per-row source."""

    def build() -> dict[str, list[str]]:
        pairs = [dataset.citations[["item", "source"]].astype(str)] if len(dataset.citations) else []
        row_sources = _row_sources(dataset)
        if row_sources:
            pairs.append(pd.DataFrame({"item": list(row_sources), "source": [source for source, _ in row_sources.values()]}))
        if not pairs:
            return {}
        unique = pd.concat(pairs, ignore_index=True).drop_duplicates().sort_values(["item", "source"], kind="stable")
        return unique.groupby("item", sort=False)["source"].agg(list).to_dict()

    return memo(dataset, "source-ids-by-item", build)


def source_ids_for(dataset: Dataset, item: str) -> list[str]:
    return list(source_ids_by_item(dataset).get(item, []))


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
