"""A Japanese export says everything in Japanese (#24): its words come from the catalogue in the export's language.

The Japanese images once printed their map-data credits in English (read from
static/basemap/SOURCES.json and a constant). Checked on the laid-out text of
the figure: apart from the data themselves (source titles and addresses, which
stay in their own language), no text of a Japanese export is an English phrase.
"""

from __future__ import annotations

import json
import re
from datetime import date

import matplotlib as mpl
import pytest
from matplotlib.text import Text

from rkmap.core.messages import t
from rkmap.render import _mpl
from rkmap.render.basemap import STATIC_DIR
from rkmap.render.image import ExportOptions, build_figure
from rkmap.render.view import MapView

# Three English words in a row (words of two letters or more, joined by spaces or punctuation).
ENGLISH_PHRASE = re.compile(r"[A-Za-z]{2,}(?:[ ,.;:]+[A-Za-z]{2,}){2,}")


def _texts(dataset, region: str, lang: str, day: date) -> list[tuple[str | None, str]]:
    with mpl.rc_context(_mpl.rc_params(lang)):
        fig = build_figure(dataset, MapView(as_of=day, region=region, lang=lang), ExportOptions(size="a4", dpi=40).validated())
    return [(a.get_gid(), a.get_text()) for a in fig.findobj(Text) if a.get_text().strip()]


@pytest.mark.parametrize("region", ["route", "far_east", "rajin_dunai"])
def test_japanese_exports_print_no_english_phrase(dataset, region: str) -> None:
    for day in (date(2001, 8, 4), date(2023, 10, 13), date(2024, 11, 13)):
        texts = _texts(dataset, region, "ja", day)
        credits = [text for gid, text in texts if gid == "credits"]
        assert credits == [t("export_credits", "ja") + " " + t("export_map_credits", "ja")]
        for gid, text in texts:
            if (gid or "").startswith("source-"):  # a source's own title and address
                continue
            assert not ENGLISH_PHRASE.search(text), (region, str(day), gid, text)


def test_the_credits_name_every_credited_dataset_in_both_languages(dataset) -> None:
    """The catalogue's credits cover what the basemap's provenance file asks to credit, and the rail line's licence."""
    credited = json.loads((STATIC_DIR / "basemap" / "SOURCES.json").read_text(encoding="utf-8"))["credit"]
    names = {name for name in ("Natural Earth", "GSHHG") if any(name in line for line in credited)}
    assert names == {"Natural Earth", "GSHHG"}
    for lang in ("en", "ja"):
        text = t("export_map_credits", lang)
        for needed in (*names, "OpenStreetMap contributors", "ODbL", "LGPL"):
            assert needed in text, (lang, needed)
    english = dict(_texts(dataset, "route", "en", date(2023, 10, 13)))["credits"]
    assert english == "Map data: " + t("export_map_credits", "en")


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("dpi", [150, 300])
def test_source_lines_end_inside_their_column(dataset, lang: str, dpi: int) -> None:
    """At a GIF's, a video's or a deck's 1920 px (150 dpi) glyphs draw wider than measured: the lines ran into the next column's number."""
    with mpl.rc_context(_mpl.rc_params(lang)):
        fig = build_figure(dataset, MapView(as_of=date(2023, 10, 13), region="route", lang=lang), ExportOptions(dpi=dpi).validated())
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [a for a in fig.findobj(Text) if a.get_text()]
    starts = sorted({round(a.get_window_extent(renderer).x0) for a in texts if re.fullmatch(r"\[\d+\]", a.get_text())})
    assert len(starts) == 3, starts  # three columns of numbered sources
    right = fig.get_figwidth() * fig.dpi
    lines = [a for a in texts if (a.get_gid() or "").startswith("source-")]
    assert lines
    for line in lines:
        box = line.get_window_extent(renderer)
        column = max(k for k, x in enumerate(starts) if x <= box.x0)
        end = starts[column + 1] if column + 1 < len(starts) else right
        assert box.x1 <= end - 0.02 * fig.dpi, (lang, dpi, line.get_gid(), line.get_text(), box.x1, end)


def test_japanese_lists_in_running_text_use_the_japanese_comma(dataset) -> None:
    """The footer's layers read '地点、2023年の武器移送ルート、出来事' (they were joined by ', ')."""
    footer = " ".join(text for _, text in _texts(dataset, "route", "ja", date(2023, 10, 13)) if "レイヤー" in text)
    layers = t("list_separator", "ja").join(t(f"layer_{name}", "ja") for name in ("places", "route", "events"))
    assert layers in footer and ", " not in footer, footer


@pytest.mark.parametrize(("lang", "size"), [("en", "slide"), ("ja", "slide"), ("en", "a4")])
def test_the_as_of_list_names_its_events_or_counts_those_with_no_room(dataset, lang: str, size: str) -> None:
    """Under the legend, the events at the as-of date: as many as fit, then a line counting the rest; never cut silently (#24:
    the English 16:9 slides of 13 Oct 2023 had no list at all, the Japanese one named 1 of 6)."""
    from rkmap.render.image import export_contents, fit_frame, make_layout
    from rkmap.render.view import region_of

    view = MapView(as_of=date(2023, 10, 13), region="route", lang=lang)
    options = ExportOptions(size=size, dpi=40).validated()
    with mpl.rc_context(_mpl.rc_params(lang)):
        fig = build_figure(dataset, view, options)
    lay = make_layout(*options.preset.inches, False, len(dataset.sources))
    frame, _ = fit_frame(region_of("route", dataset), lay.map_box[2] / lay.map_box[3])
    events = export_contents(dataset, view, frame).in_focus
    assert len(events) == 6
    texts = [(a.get_gid(), a.get_text()) for a in fig.findobj(Text) if a.get_text().strip()]
    assert any(gid == "in-focus-title" for gid, _ in texts), "no list of the events at the as-of date"
    named = len([text for gid, text in texts if (gid or "").startswith("in-focus-event-")])
    more = [text for gid, text in texts if gid == "in-focus-more"]
    if named < len(events):
        assert more == [t("area_more" if named else "export_in_focus_count", lang, count=len(events) - named)]
    else:
        assert not more
