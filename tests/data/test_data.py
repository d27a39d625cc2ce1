"""The shipped data: every fact sourced, quotes verbatim, validation names file, row and field."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from conftest import seeds_dir

from rkmap.core.dates import parse_partial_date
from rkmap.core.schema import REQUIRED_CITATIONS
from rkmap.data import DataValidationError, load_dataset

CORE_PLACES = {"vladivostok", "vostochny", "komsomolsk", "rajin", "dunai", "tikhoretsk", "ulan_ude"}
CONTEXT_PLACES = {"pyongyang", "khasan", "moscow"}


def test_shipped_data_loads_strictly(dataset) -> None:
    assert set(dataset.places["id"]) >= CORE_PLACES | CONTEXT_PLACES
    assert set(dataset.route_legs["id"]) == {"sea", "rail"}
    assert len(dataset.events) >= 20


def test_places_have_names_in_both_languages_and_a_gazetteer(dataset) -> None:
    for _, place in dataset.places.iterrows():
        assert place["name_en"] and place["name_ja"], place["id"]
        assert place["coord_source"] in dataset.sources.index


def test_vostochny_is_the_cosmodrome_and_dunai_is_not_fokino(dataset) -> None:
    places = dataset.places
    vostochny = places.loc["vostochny"]
    # The town of Tsiolkovsky (GeoNames 6641869) is at 51.769 N, 128.120 E: the cosmodrome is ~20 km away.
    assert abs(vostochny["lat"] - 51.769) + abs(vostochny["lon"] - 128.120) > 0.1
    assert vostochny["kind"] == "spaceport"
    dunai = places.loc["dunai"]
    # Fokino (GeoNames 2015310) is at 42.971 N, 132.410 E; the Dunai peninsula is ~10 km south.
    assert dunai["lat"] < 42.93
    assert dunai["kind"] == "port"


def test_every_item_cites_its_required_facts(dataset) -> None:
    cited = set(zip(dataset.citations["item"], dataset.citations["field"]))
    prefix = {"places": "place", "events": "event", "route_legs": "leg"}
    for requirement in REQUIRED_CITATIONS:
        table = getattr(dataset, requirement.table)
        for ident in table["id"]:
            for field in requirement.fields:
                assert (f"{prefix[requirement.table]}:{ident}", field) in cited


def test_every_event_names_its_seed_or_public_source(dataset) -> None:
    for ident in dataset.events["id"]:
        sources = dataset.source_ids_for(f"event:{ident}")
        assert sources, ident
        assert all(s in dataset.sources.index for s in sources)


def test_seed_files_match_recorded_hashes_and_quotes_are_verbatim(dataset) -> None:
    folder = seeds_dir()
    if folder is None:
        if os.environ.get("CI"):
            pytest.fail("the seed articles (shared/seeds) are missing in CI")
        pytest.skip("seed articles not found beside the checkout; set SEEDS_DIR")
    seeds = dataset.sources[dataset.sources["kind"] == "seed"]
    texts = {}
    for _, seed in seeds.iterrows():
        raw = (folder / seed["locator"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == seed["sha256"], seed["locator"]
        texts[seed["id"]] = raw.decode("utf-8")
    quoted = dataset.citations[dataset.citations["source"].isin(texts) & dataset.citations["quote"].notna()]
    assert len(quoted) > 100
    for _, cite in quoted.iterrows():
        assert cite["quote"] in texts[cite["source"]], f"{cite['item']} / {cite['field']}: quote not in {cite['source']}"


def test_route_legs_carry_window_disclosure_volume_and_claim(dataset) -> None:
    for _, leg in dataset.route_legs.iterrows():
        assert leg["start"].isoformat() == "2023-09-07"
        assert leg["end"].isoformat() == "2023-10-01"
        assert leg["public"].isoformat() == "2023-10-13"
        assert "1,000" in leg["quantity_en"]
        assert leg["claim_status"] == "asserted"
        assert "US government" in leg["asserted_by"] and "Russia" in leg["denied_by"]


def test_lavrov_visit_keeps_both_dates_and_flags_them(dataset) -> None:
    event = dataset.events.set_index("id").loc["lavrov-visits-pyongyang-2023"]
    assert event["start"].isoformat() == "2023-10-16" and event["end"].isoformat() == "2023-10-19"
    flagged = dataset.disagreements_for("event:lavrov-visits-pyongyang-2023")
    assert len(flagged) == 1 and "16–17" in flagged.iloc[0]["summary_en"] and "18 October" in flagged.iloc[0]["summary_en"]


def test_imprecise_events_are_areas_not_points(dataset) -> None:
    events = dataset.events.set_index("id")
    assert events.loc["north-korea-closes-border-2020", "is_area"]
    assert events.loc["north-korea-closes-border-2020", "date_precision"] == "year"
    # Kim Jong Il's 2001 visit: a year and no place in the seed, the day and the Kremlin from the public record.
    assert not events.loc["kim-jong-il-visits-russia-2001", "is_area"]
    assert events.loc["kim-jong-il-visits-russia-2001", "date_precision"] == "day"
    assert not events.loc["vostochny-summit-2023", "is_area"]


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [("2023", "2023-01-01", "2023-12-31", "year"), ("2024-02", "2024-02-01", "2024-02-29", "month"), ("2023-09-13", "2023-09-13", "2023-09-13", "day")],
)
def test_partial_dates(text: str, first: str, last: str, precision: str) -> None:
    parsed = parse_partial_date(text)
    assert (parsed.first.isoformat(), parsed.last.isoformat(), parsed.precision) == (first, last, precision)


@pytest.mark.parametrize("text", ["2023-13", "2023-02-30", "13/09/2023", "", "２０２３"])
def test_bad_dates_are_rejected_with_the_value(text: str) -> None:
    with pytest.raises(ValueError):
        parse_partial_date(text)


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("places.csv", "131.87353,43.10562", "131.87353,143.1", "places.csv, row 2, field 'lat': 143.1 is out of range [-90, 90]"),
        ("events.csv", "2023-09-13,,,vostochny", "2023-09-31,,,vostochny", "events.csv, row"),
        ("events.csv", ",vostochny,summit", ",atlantis,summit", "field 'place_id': 'atlantis' is not an id in places.csv"),
        ("route_legs.csv", "sea,sea,rajin", "sea,boat,rajin", "route_legs.csv, row 2, field 'mode': 'boat' is not one of: sea, rail"),
        ("citations.csv", "place:vladivostok,coordinates,geonames", "place:nowhere,coordinates,geonames", "field 'item': 'place:nowhere' names no loaded"),
    ],
)
def test_validation_names_file_row_and_field(data_copy: Path, file: str, old: str, new: str, expected: str) -> None:
    _rewrite(data_copy / file, old, new)
    with pytest.raises(DataValidationError) as info:
        load_dataset(data_copy, strict=True)
    assert expected in str(info.value)


def test_lenient_loading_keeps_the_rest_and_reports(data_copy: Path) -> None:
    _rewrite(data_copy / "events.csv", ",vostochny,summit", ",atlantis,summit")
    dataset, problems = load_dataset(data_copy, strict=False)
    assert "vostochny-summit-2023" not in set(dataset.events["id"])
    assert len(dataset.events) >= 20
    assert any("atlantis" in str(p) for p in problems)


def test_missing_or_binary_file_is_reported_not_raised(data_copy: Path) -> None:
    (data_copy / "events.csv").unlink()
    (data_copy / "route_legs.csv").write_bytes(b"\xff\xfe\x00garbage")
    dataset, problems = load_dataset(data_copy, strict=False)
    messages = [str(p) for p in problems]
    assert "events.csv: file is missing" in messages
    assert any(m.startswith("route_legs.csv: cannot be read as UTF-8 CSV") for m in messages)
    assert len(dataset.places) > 0 and dataset.events.empty


def test_an_event_without_its_citations_is_refused(data_copy: Path) -> None:
    lines = (data_copy / "citations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.startswith("event:vostochny-summit-2023,date,")]
    (data_copy / "citations.csv").write_text("".join(kept), encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"events.csv, row \d+, field 'date': has no citation"):
        load_dataset(data_copy, strict=True)


def test_schema_documentation_is_current() -> None:
    from rkmap.data import DATA_DIR
    from rkmap.data.schema_doc import BEGIN, END, schema_markdown

    readme = (DATA_DIR / "README.md").read_text(encoding="utf-8")
    documented = readme.split(BEGIN, 1)[1].split(END, 1)[0].strip()
    assert documented == schema_markdown().strip(), "run: python -m rkmap.data.schema_doc and paste into geodata/README.md"
