"""The citation indices answer exactly as a scan of the citations table would."""

from __future__ import annotations

import pandas as pd

from rkmap.data import Dataset
from rkmap.data.citation_index import citations_for, quotes_by_item, source_ids_for
from rkmap.data.user_data import load_user_file, with_user_data

USER_CSV = (
    b"id,date,title,kind,lat,lon,source,source_quote\n"
    b"ci-a,2023-09-20,A,report,55.0,100.0,Analyst notes,Seen on imagery\n"
    b"ci-b,2023-10-02,B,transfer,52.0,85.0,Other notes,\n"
)


def _items(dataset: Dataset) -> list[str]:
    return sorted(set(dataset.citations["item"]) | {f"event:{i}" for i in dataset.events["id"]} | {f"place:{i}" for i in dataset.places["id"]} | {"event:no-such"})


def _scan(dataset: Dataset, item: str) -> pd.DataFrame:
    """The plain definition: the item's rows of citations, then its event's per-row source."""
    rows = dataset.citations[dataset.citations["item"] == item]
    kind, _, ident = item.partition(":")
    event = dataset.events[dataset.events["id"] == ident] if kind == "event" else dataset.events.iloc[0:0]
    if not event.empty and event.iloc[0]["source"]:
        quote = event.iloc[0].get("source_quote", "") or ""
        extra = pd.DataFrame([{"item": item, "field": f, "source": event.iloc[0]["source"], "quote": quote, "locator": "", "note": "per-row source"} for f in ("date", "place", "summary")])
        rows = pd.concat([rows, extra], ignore_index=True)
    return rows


def _check(dataset: Dataset) -> int:
    quotes = quotes_by_item(dataset)
    for item in _items(dataset):
        expected = _scan(dataset, item)
        got = citations_for(dataset, item)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected.reset_index(drop=True))
        assert source_ids_for(dataset, item) == sorted(set(expected["source"]))
        pairs = list(zip(expected["source"].astype(str), expected["quote"].astype(object).where(expected["quote"].notna(), "").astype(str)))
        per_row = expected["note"].eq("per-row source")
        # The per-row source stands for three facts in the table and is one (source, quote) pair in the index.
        assert quotes.get(item, []) == pairs[: len(pairs) - int(per_row.sum())] + pairs[len(pairs) - int(per_row.sum()) :][:1]
    return len(_items(dataset))


def test_index_matches_a_scan_for_the_shipped_data(dataset: Dataset) -> None:
    assert _check(dataset) >= len(dataset.places) + len(dataset.events) + len(dataset.route_legs)


def test_index_matches_a_scan_with_per_row_sources(dataset: Dataset) -> None:
    user = load_user_file("mine.csv", USER_CSV, dataset.places["id"])
    merged = with_user_data(dataset, [user])
    assert (merged.events["source"] != "").sum() == 2
    _check(merged)
    assert source_ids_for(merged, "event:user1:ci-a") == ["user1:user-1"]
