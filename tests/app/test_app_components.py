"""Each UI component on its own page (AppTest.from_function): what it draws, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _legend_page(lang: str, layers: tuple[str, ...]) -> None:
    from rkmap.app.data import shipped_dataset
    from rkmap.app.legend import legend

    legend(shipped_dataset()[0], frozenset(layers), lang)


@pytest.mark.parametrize("lang, title, symbol_word", [("en", "Legend", "Confirmed"), ("ja", "凡例", "確認済み")])
def test_legend_names_its_entries_in_the_chosen_language(lang: str, title: str, symbol_word: str) -> None:
    at = AppTest.from_function(_legend_page, args=(lang, ("places", "route", "events")), default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert title in text and symbol_word in text
    assert 'data-testid="map-legend"' in text


def test_legend_leaves_out_the_layers_switched_off() -> None:
    at = AppTest.from_function(_legend_page, args=("en", ("places",)), default_timeout=60).run()
    text = " ".join(m.value for m in at.markdown)
    assert "Rail leg" not in text and "Summit" not in text
    assert "Port" in text


def _choice_page(lang: str, stale: str | None = None) -> None:
    import streamlit as st

    from rkmap.app.choices import choice, repair_choices

    labels = {"a": ("Alpha", "アルファ"), "b": ("Beta", "ベータ")}
    if stale is not None and st.session_state.get("ran"):
        st.session_state["pick"] = stale  # what Streamlit hands the script when the browser sends a label
    st.session_state["ran"] = True
    repair_choices()
    value = choice(st.radio, "Pick", ("a", "b"), key="pick", option_label=lambda o, lg: labels[o][lg == "ja"], lang=lang)
    st.write(f"value={value}")


def test_a_choice_shows_labels_and_keeps_keys_as_values() -> None:
    at = AppTest.from_function(_choice_page, args=("ja",)).run()
    assert at.radio(key="pick").options == ["アルファ", "ベータ"]
    at.radio(key="pick").set_value("b").run()
    assert at.session_state["pick"] == "b"
    assert "value=b" in at.markdown[-1].value


def test_a_label_sent_back_as_a_value_is_turned_back_into_its_key() -> None:
    """The crash of the language switch: the browser held the other language's label as the value."""
    at = AppTest.from_function(_choice_page, args=("en", "ベータ")).run()  # a stale label from before the switch
    at.run()
    assert not at.exception
    assert at.session_state["pick"] == "b"


def test_anything_else_becomes_the_default() -> None:
    at = AppTest.from_function(_choice_page, args=("en", "<script>")).run()
    at.run()
    assert at.session_state["pick"] == "a"


def _admitted_page(use_admit: bool) -> None:
    """Run 2 is the run a map pick of an item outside the list arrives in (sync_map_pick); run 3 the page's rerun."""
    import streamlit as st

    from rkmap.app.choices import admit, choice, repair_choices

    repair_choices()
    run = st.session_state["runs"] = st.session_state.get("runs", 0) + 1
    if run == 2:
        if use_admit:
            admit("pick", "event:old")
        st.session_state["pick"] = "event:old"
        return
    # As the detail panel does: a picked item that the list lacks is added to its options.
    extra = ("event:old",) if st.session_state.get("pick") == "event:old" else ()
    choice(st.selectbox, "Pick", ("a", "b", *extra), key="pick", option_label=lambda o, lg: str(o), lang="en")


@pytest.mark.parametrize("use_admit, after", [(True, "event:old"), (False, "a")])
def test_an_item_picked_on_the_map_outside_the_list_survives_the_next_repair(use_admit: bool, after: str) -> None:
    """Without ``admit`` the next run's repair reset a pick of an event outside the list (any but the newest 300) to none."""
    at = AppTest.from_function(_admitted_page, args=(use_admit,)).run()
    at.run()
    at.run()
    assert not at.exception
    assert at.session_state["pick"] == after


def _details_page(lang: str, key: str) -> None:
    from rkmap.app.data import shipped_dataset
    from rkmap.app.detail import item_details

    item_details(shipped_dataset()[0], key, lang)


@pytest.mark.parametrize("lang, date_word, sources_word", [("en", "Date", "Sources"), ("ja", "日付", "出典")])
def test_details_of_an_event_give_its_date_claim_and_numbered_sources(lang: str, date_word: str, sources_word: str) -> None:
    at = AppTest.from_function(_details_page, args=(lang, "event:vostochny-summit-2023"), default_timeout=60).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert date_word in text and sources_word in text
    assert "2023" in text
    assert "seed" not in text.lower()


def test_details_of_an_unknown_item_draw_nothing() -> None:
    at = AppTest.from_function(_details_page, args=("en", "event:no-such-event"), default_timeout=60).run()
    assert not at.exception
    assert len(at.markdown) == 0


def test_an_uploads_items_are_found_without_a_dict_of_every_id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above a size the ids are searched, not indexed (a million ids' dict held ~0.3 GB per session): the same rows."""
    from rkmap.app import detail
    from rkmap.data import open_data

    dataset = open_data(strict=True).dataset
    keys = [f"{kind}:{ident}" for kind, table in (("event", dataset.events), ("leg", dataset.route_legs), ("place", dataset.places)) for ident in table["id"]]
    indexed = {key: detail._row(dataset, *key.split(":", 1)) for key in keys}
    monkeypatch.setattr(detail, "_DICT_ROWS", 0)
    for key, row in indexed.items():
        found = detail._row(dataset, *key.split(":", 1))
        assert found is not None and found.name == row.name, key
    assert detail._row(dataset, "event", "no-such-event") is None
    assert detail._search(dataset.events["id"].astype(object), str(dataset.events["id"].iloc[-1])) == len(dataset.events) - 1


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_pickers_labels_read_by_position_match_each_items_own(lang: str) -> None:
    from rkmap.app import detail
    from rkmap.data import open_data

    dataset = open_data(strict=True).dataset
    options = detail.item_options(dataset)
    assert detail._option_labels(dataset, options, lang) == {key: detail.item_label(dataset, key, lang) for key in options}
