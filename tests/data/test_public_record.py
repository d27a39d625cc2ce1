"""Items from the public record, not the seeds (issue #25: the story from 2024 on).

Every such item is marked (``rkmap.data.provenance``), rests on named public
sources with a URL and the date they were read, and says things in the
project's own words: no summary or title repeats a run of a source's words.

The project stores the sources' titles and any verbatim quotes, not the
pages. To check against the pages too, keep copies outside the repository
and point ``MAP_SOURCE_TEXT_DIR`` at them: one ``<source id>.txt`` per source.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from rkmap.data import Dataset
from rkmap.data.provenance import bases, basis, public_record_items
from rkmap.render.data_export import export_bytes
from rkmap.render.geojson import feature_collection
from rkmap.render.view import MapView, date_span, item_states

SOURCE_TEXT_ENV = "MAP_SOURCE_TEXT_DIR"
# A run of this many words (English) or characters (Japanese) in common is a copied passage.
MAX_SHARED_WORDS = 7
MAX_SHARED_CHARS = 20
_WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z]+)?")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def shared_words(ours: str, theirs: str, n: int = MAX_SHARED_WORDS + 1) -> str | None:
    """The first run of ``n`` consecutive words of ``ours`` that also occurs in ``theirs``, if any."""
    mine, other = _words(ours), _words(theirs)
    grams = {tuple(other[i : i + n]) for i in range(len(other) - n + 1)}
    for i in range(len(mine) - n + 1):
        if tuple(mine[i : i + n]) in grams:
            return " ".join(mine[i : i + n])
    return None


def shared_chars(ours: str, theirs: str, n: int = MAX_SHARED_CHARS + 1) -> str | None:
    """The first run of ``n`` characters of ``ours`` (Japanese text) that also occurs in ``theirs``, if any."""
    squeeze = lambda s: re.sub(r"\s+", "", s)
    mine, other = squeeze(ours), squeeze(theirs)
    grams = {other[i : i + n] for i in range(len(other) - n + 1)}
    for i in range(len(mine) - n + 1):
        run = mine[i : i + n]
        if run in grams and _CJK.search(run):
            return run
    return None


def copied_from(ours: str, theirs: str) -> str | None:
    return shared_words(ours, theirs) or shared_chars(ours, theirs)


def _public_events(dataset: Dataset) -> pd.DataFrame:
    items = set(public_record_items(dataset))
    return dataset.events[("event:" + dataset.events["id"]).isin(items)]


def _events_with_new_text(dataset: Dataset) -> pd.DataFrame:
    """Events written or rewritten from sources read for this update (sources with an 'accessed' date): the public-record events and seed events filled in from the public record."""
    read = set(dataset.sources.loc[dataset.sources["accessed"].fillna("") != "", "id"])
    return dataset.events[[bool(set(dataset.source_ids_for(f"event:{i}")) & read) for i in dataset.events["id"]]]


def _is_date(value: object) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value or "")))


# --- which items are public record ------------------------------------------------


def test_the_events_since_2024_are_marked_as_public_record_and_the_seed_events_are_not(dataset: Dataset) -> None:
    events = dataset.events
    public = set(_public_events(dataset)["id"])
    assert len(public) >= 14
    later = set(events.loc[events["start"] > date(2024, 1, 17), "id"])
    assert later <= public  # the seeds end on 17 January 2024: everything after is public record
    for ident in events["id"]:
        cited = set(dataset.source_ids_for(f"event:{ident}"))
        on_seeds = bool(cited & set(dataset.sources.loc[dataset.sources["kind"] == "seed", "id"]))
        assert basis(dataset, f"event:{ident}") == ("seeds" if on_seeds else "public_record"), ident
    assert basis(dataset, "event:vostochny-summit-2023") == "seeds"
    assert basis(dataset, "place:russia") == "convention"
    for place in ("kursk_region", "wonsan", "beijing"):
        assert basis(dataset, f"place:{place}") == "public_record"


# --- sourcing ------------------------------------------------------------------


def test_every_public_record_event_rests_on_sources_with_a_url_and_a_read_date(dataset: Dataset) -> None:
    sources = dataset.sources
    for _, event in _public_events(dataset).iterrows():
        item = f"event:{event['id']}"
        citations = dataset.citations_for(item)
        assert len(citations), item
        for field in ("date", "place", "summary"):
            cited = citations.loc[citations["field"] == field, "source"]
            usable = [s for s in cited if str(sources.loc[s, "locator"]).startswith(("http://", "https://")) and _is_date(sources.loc[s, "accessed"])]
            assert usable, f"{item}: no source with a URL and a read date for its {field}"
        for source_id in set(citations["source"]):
            source = sources.loc[source_id]
            assert source["kind"] == "public", (item, source_id)
            assert str(source["locator"]).startswith(("http://", "https://")), (item, source_id)
            assert _is_date(source["accessed"]), (item, source_id)
            assert source["title"] and source["publisher"], (item, source_id)
        if event["claim_status"] in ("asserted", "denied"):
            assert event["asserted_by"] and event["denied_by"], item
            assert (citations["field"] == "claim").any(), item
        if event["quantity_en"]:
            assert (citations["field"] == "quantity").any(), item


def test_new_places_take_gazetteer_coordinates(dataset: Dataset) -> None:
    for place in ("kursk_region", "wonsan", "beijing"):
        citations = dataset.citations_for(f"place:{place}")
        coordinates = citations[citations["field"] == "coordinates"]
        assert "geonames" in set(coordinates["source"]), place
        row = dataset.places.loc[place]
        quote = coordinates.loc[coordinates["source"] == "geonames", "quote"].iloc[0]
        numbers = [float(n) for n in re.findall(r"-?\d+\.\d+", quote)]
        assert numbers == [row["lat"], row["lon"]], (place, quote)


def test_sources_read_from_stored_copies_say_so(dataset: Dataset) -> None:
    read = dataset.sources[dataset.sources["accessed"].fillna("") != ""]
    assert len(read) >= 30
    for _, source in read.iterrows():
        assert "stored copy" in source["note"], source["id"]


# --- own words -------------------------------------------------------------------


def test_the_copy_check_catches_a_copied_sentence_and_passes_a_paraphrase() -> None:
    page = "North Korea has provided Russia with more than 1,000 containers of military equipment, and munitions, the White House said."
    copied = "The US says: North Korea has provided Russia with more than 1,000 containers of military equipment."
    assert copied_from(copied, page) == "north korea has provided russia with more than"
    own = "The White House says over 1,000 containers of munitions and equipment went from North Korea to Russia."
    assert copied_from(own, page) is None
    page_ja = "ロシアに運ばれたコンテナの数は1000個以上に上り、弾薬などが含まれるという"
    assert copied_from("米国によれば、ロシアに運ばれたコンテナの数は1000個以上に上った。", page_ja)
    assert copied_from("米国によれば、1000個以上のコンテナがロシアへ送られた。", page_ja) is None


def _source_texts(dataset: Dataset, source_ids: set[str]) -> dict[str, list[str]]:
    """Every text the project holds of each source: its title and its verbatim quotes (any item), plus page copies if given."""
    texts: dict[str, list[str]] = {s: [str(dataset.sources.loc[s, "title"])] for s in source_ids}
    quotes = dataset.citations[dataset.citations["source"].isin(source_ids) & (dataset.citations["quote"].fillna("") != "")]
    for source_id, quote in zip(quotes["source"], quotes["quote"]):
        texts[source_id].append(str(quote))
    folder = os.environ.get(SOURCE_TEXT_ENV)
    if folder:
        for source_id in source_ids:
            page = Path(folder) / f"{source_id}.txt"
            if page.exists():
                texts[source_id].append(page.read_text(encoding="utf-8"))
    return texts


def test_no_public_record_text_repeats_a_source(dataset: Dataset) -> None:
    """Summaries, titles, quantities and the claim columns against every source text we hold (all sources, not only the cited ones).

    Public-record events are checked against every source; seed events filled in from the public
    record against every non-seed source.
    """
    all_sources = set(dataset.sources["id"])
    texts = _source_texts(dataset, all_sources)
    ours_columns = ("title_en", "title_ja", "summary_en", "summary_ja", "quantity_en", "quantity_ja", "asserted_by", "denied_by")
    problems = []
    events = _events_with_new_text(dataset)
    assert set(_public_events(dataset)["id"]) <= set(events["id"]) and "kim-jong-il-visits-russia-2002" in set(events["id"])
    seeds = set(dataset.sources.loc[dataset.sources["kind"] == "seed", "id"])
    for _, event in events.iterrows():
        # A seed event keeps its summary of the seed (quoted verbatim by design); what was added must not copy a public source.
        against = texts if basis(dataset, f"event:{event['id']}") == "public_record" else {k: v for k, v in texts.items() if k not in seeds}
        for column in ours_columns:
            ours = str(event[column] or "")
            for source_id, source_texts in against.items():
                for theirs in source_texts:
                    run = copied_from(ours, theirs)
                    if run:
                        problems.append((event["id"], column, source_id, run))
    assert problems == []


def test_public_record_citations_hold_notes_in_our_words_not_quotes(dataset: Dataset) -> None:
    """Non-seed citations of public-record items carry a note; a quote only for a gazetteer value."""
    items = set(public_record_items(dataset))
    rows = dataset.citations[dataset.citations["item"].isin(items)]
    for _, row in rows.iterrows():
        kind = dataset.sources.loc[row["source"], "kind"]
        if kind == "public":
            assert not row["quote"], (row["item"], row["source"])
            assert row["note"], (row["item"], row["source"])


# --- claim status over time: asserted and denied, then acknowledged ---------------------


def _state(dataset: Dataset, ident: str, view: MapView) -> str:
    events = dataset.events
    return str(item_states(events[events["id"] == ident], view).iloc[0])


@pytest.mark.parametrize("clock", ["event", "public"])
def test_the_kursk_deployment_replays_from_assertion_to_acknowledgement(dataset: Dataset, clock: str) -> None:
    asserted = dataset.events.set_index("id").loc["nk-troops-kursk-asserted-2024"]
    assert asserted["claim_status"] == "asserted"
    assert "North Korea" in asserted["denied_by"] and "Russia" in asserted["denied_by"]
    assert all(who in asserted["asserted_by"] for who in ("Ukraine", "US", "South Korea"))
    acknowledgements = ("russia-acknowledges-nk-troops-2025", "north-korea-acknowledges-troops-2025")
    december = MapView(as_of=date(2024, 12, 1), clock=clock)  # type: ignore[arg-type]
    assert _state(dataset, "nk-troops-kursk-asserted-2024", december) != "hidden"
    assert all(_state(dataset, a, december) == "hidden" for a in acknowledgements)
    after = MapView(as_of=date(2025, 4, 28), clock=clock)  # type: ignore[arg-type]
    for ident in acknowledgements:
        assert _state(dataset, ident, after) != "hidden"
        assert dataset.events.set_index("id").loc[ident, "claim_status"] == "confirmed"


# --- the span and the marks in the exports ------------------------------------------------


def test_the_date_span_follows_the_data(dataset: Dataset) -> None:
    first, last = date_span(dataset)
    assert first == date(2000, 7, 19)
    assert last == max(max(dataset.events["end"]), max(dataset.events["public"]))
    assert last >= date(2025, 10, 31)


def test_exports_say_which_items_are_public_record(dataset: Dataset) -> None:
    view = MapView(as_of=date_span(dataset)[1])
    collection = feature_collection(dataset, view)
    marks = {f["properties"]["id"]: f["properties"]["basis"] for f in collection["features"] if f["properties"]["layer"] == "event"}  # type: ignore[index]
    assert marks["putin-kim-pyongyang-treaty-2024"] == "public_record"
    assert marks["vostochny-summit-2023"] == "seeds"
    assert set(marks.values()) <= set(bases(dataset).values())
    text = export_bytes(dataset, view, "csv").decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert "basis" in header.split(",")
    assert any(r.startswith("event,putin-kim-pyongyang-treaty-2024,") and ",public_record," in r for r in rows)


def test_story_captions_roles_and_disagreements_of_public_record_items_do_not_repeat_a_source(dataset: Dataset) -> None:
    from rkmap.data.story import load_story

    texts = [t for ts in _source_texts(dataset, set(dataset.sources["id"])).values() for t in ts]
    public = set(public_record_items(dataset))
    ours: list[tuple[str, str]] = []
    steps, _ = load_story(dataset)
    ours += [(f"story step {s.step}", c) for s in steps if s.item in public for c in (s.caption_en, s.caption_ja)]
    for place in dataset.places["id"]:
        if f"place:{place}" in public:
            ours += [(f"place:{place}", str(dataset.places.loc[place, c])) for c in ("role_en", "role_ja")]
    rows = dataset.disagreements[dataset.disagreements["item"].isin(public)]
    ours += [(f"disagreement {r['id']}", str(r[c])) for _, r in rows.iterrows() for c in ("summary_en", "summary_ja")]
    assert len(ours) >= 10
    problems = [(where, run) for where, text in ours for theirs in texts if (run := copied_from(text, theirs))]
    assert problems == []
