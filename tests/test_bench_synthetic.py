"""The benchmark's synthetic data: valid under the schema and accepted by the app's loader."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from bench.synthetic import EVENT_COLUMNS, KINDS, STATUSES, generate_events, write_synthetic
from rkmap.data import load_dataset

REPO_DIR = Path(__file__).resolve().parent.parent


N = 200


def _ids(path: Path) -> set[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["id"] for row in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("synthetic")
    write_synthetic(target, N)
    return target


def test_folder_holds_the_shipped_files_but_not_the_shipped_events(folder: Path) -> None:
    shipped = REPO_DIR / "geodata"
    assert not (folder / "events.csv").exists()
    for name in ("sources.csv", "places.csv", "route_legs.csv", "disagreements.csv"):
        assert (folder / name).read_bytes() == (shipped / name).read_bytes()
    for path in (shipped / "geometry").iterdir():
        assert (folder / "geometry" / path.name).read_bytes() == path.read_bytes()
    citations = pd.read_csv(folder / "citations.csv", dtype=str, keep_default_na=False)
    assert not citations["item"].str.startswith("event:").any()
    shipped_citations = pd.read_csv(shipped / "citations.csv", dtype=str, keep_default_na=False)
    assert len(citations) == (~shipped_citations["item"].str.startswith("event:")).sum()


def test_events_follow_the_contract(folder: Path) -> None:
    events = pd.read_parquet(folder / "events.parquet")
    assert list(events.columns) == [*EVENT_COLUMNS, "source"]
    assert len(events) == N
    assert all(pd.api.types.is_string_dtype(events[c]) for c in events.columns)
    assert not events.isna().any().any()  # missing is the empty string
    assert events["id"].is_unique and events["id"].str.fullmatch(r"syn-\d{7}").all()
    assert set(events["place_id"]) <= _ids(folder / "places.csv")
    assert set(events["source"]) <= _ids(folder / "sources.csv")
    assert set(events["kind"]) <= set(KINDS)
    assert set(events["claim_status"]) <= set(STATUSES)
    for column in ("date", "date_end", "disclosed"):
        filled = events.loc[events[column] != "", column]
        assert filled.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
        assert filled.between("2000-07-19", "2024-01-17").all()
    spans = events[events["date_end"] != ""]
    assert (spans["date_end"] >= spans["date"]).all()
    late = events[events["disclosed"] != ""]
    assert (late["disclosed"] >= late["date"]).all()
    for column in ("title_en", "title_ja", "summary_en", "summary_ja"):
        assert (events[column] != "").all()


def test_generation_is_deterministic() -> None:
    places, sources = ["a", "b", "c"], ["s1", "s2"]
    first = generate_events(50, places, sources, seed=7)
    assert first.equals(generate_events(50, places, sources, seed=7))
    assert not first.equals(generate_events(50, places, sources, seed=8))


def test_the_app_loader_accepts_the_parquet_folder(folder: Path) -> None:
    dataset, problems = load_dataset(folder, strict=False)
    assert [str(p) for p in problems] == []
    assert len(dataset.events) == N
    assert set(dataset.events["id"]) == set(pd.read_parquet(folder / "events.parquet")["id"])
    assert len(dataset.places) == len(_ids(folder / "places.csv"))
    assert len(dataset.route_legs) == 2


def test_the_csv_form_loads_with_per_fact_citations(tmp_path: Path) -> None:
    write_synthetic(tmp_path, N, fmt="csv")
    dataset, problems = load_dataset(tmp_path, strict=True)
    assert problems == []
    assert len(dataset.events) == N
