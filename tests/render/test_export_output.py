"""Minister-ready exports (issue #24): sources a reader can follow, fonts-free SVG, one layout per animation."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

import numpy as np
import pytest

from rkmap.core.messages import t
from rkmap.render.animate import date_steps, render_frames
from rkmap.render.image import ExportOptions, build_figure, export_contents, fit_frame, make_layout, plan_layout, render
from rkmap.render.sources import INVISIBLE, published_text, reader_text, url_of
from rkmap.render.view import REGIONS, MapView

SMALL = 40
SVG_NS = "{http://www.w3.org/2000/svg}"
DATES = (date(2001, 6, 1), date(2019, 4, 25), date(2023, 9, 13), date(2023, 10, 20), date(2024, 6, 30))
# What a reader must never see in a source list: internal ids, file names, hashes, editorial notes, 'n.d.'.
_FORBIDDEN_WORDS = re.compile(r"seed|\.txt\b|\bn\.d\.|untitled|not stated|" + INVISIBLE.pattern, re.IGNORECASE)
# A content hash or a copy's hashed file name: a run of 16+ hex digits. Outside an address any such run is
# forbidden; inside one, a long run of decimal digits is an article number (.../view/20250626105923375), so
# there only a run with a letter a-f counts (a SHA-256 digest all of whose 64 digits are decimal does not occur).
_HEX_RUN = re.compile(r"\b[0-9a-f]{16,}\b", re.IGNORECASE)
_HASH_IN_URL = re.compile(r"\b(?=[0-9]*[a-f])[0-9a-f]{16,}\b", re.IGNORECASE)
_URL_IN_TEXT = re.compile(r"https?://\S+", re.IGNORECASE)


class _Forbidden:
    """What a reader must never see; ``search`` as on a compiled pattern (the URL part is read as an address)."""

    def search(self, text: str) -> re.Match | None:
        urls = _URL_IN_TEXT.findall(text)
        outside = _URL_IN_TEXT.sub(" ", text)
        return (
            _FORBIDDEN_WORDS.search(text)
            or _HEX_RUN.search(outside)
            or next((m for m in map(_HASH_IN_URL.search, urls) if m), None)
        )


FORBIDDEN = _Forbidden()


def _sources(dataset, view: MapView):
    lay = make_layout(12.8, 7.2, False, len(dataset.sources))
    frame, _ = fit_frame(view.region, lay.map_box[2] / lay.map_box[3])
    return export_contents(dataset, view, frame).sources


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", list(REGIONS))
def test_source_list_names_publisher_date_title_and_url_never_ids_files_or_hashes(dataset, region: str, lang: str) -> None:
    seen_undated = False
    for day in DATES:
        for ref in _sources(dataset, MapView(as_of=day, region=region, lang=lang)):
            line = ref.text(lang, with_url=True)
            assert not FORBIDDEN.search(line), line
            assert ref.title and ref.date, line
            seen_undated |= ref.date == ("日付不明" if lang == "ja" else "undated")
            if ref.url:
                assert re.fullmatch(r"https?://\S+", ref.url) and not INVISIBLE.search(ref.url)
    if region == "route":
        assert seen_undated  # GeoNames and others have no date


def test_every_source_row_reads_cleanly(dataset) -> None:
    from rkmap.render.sources import source_ref

    for source_id, row in dataset.sources.iterrows():
        for lang in ("en", "ja"):
            text = source_ref(1, str(source_id), row, lang).text(lang, with_url=True)
            assert not FORBIDDEN.search(text), (source_id, text)


def test_seed_articles_carry_their_publisher_and_date(dataset) -> None:
    from rkmap.render.sources import source_ref

    seeds = dataset.sources[dataset.sources["kind"] == "seed"]
    refs = {sid: source_ref(1, sid, row, "en") for sid, row in seeds.iterrows()}
    assert refs["seed003"].publisher.startswith("日本国際問題研究所") and refs["seed003"].date == "13 Nov 2023"
    assert refs["seed004"].publisher == "Valdai Club" and refs["seed004"].date == "26 Mar 2024"
    assert refs["seed002"].date == "13 Sep 2023"
    assert all(not r.url for r in refs.values())  # a copy's file name is not an address


def test_undated_and_urls() -> None:
    assert published_text("", "en") == "undated" and published_text(None, "ja") == "日付不明"
    assert published_text("2023-10", "en") == "Oct 2023" and published_text("2023", "ja") == "2023年"
    assert url_of("https://example.org/a\u200b/b") == "https://example.org/a/b"
    assert url_of("004_519a2c083e35e509.txt") == "" and url_of("KCNA 2023-09-13") == ""


def test_notes_never_show_internal_ids(dataset) -> None:
    assert reader_text("The seed gives the month.") == "The source gives the month."
    text = reader_text("seed003 (body) dates the visit", dataset.sources)
    assert "seed" not in text and "日本国際問題研究所" in text
    assert "lavrov-visit-dates" not in reader_text("Disputed: see disagreement lavrov-visit-dates.")


def test_catalogue_plurals_and_no_internal_ids() -> None:
    assert t("shown_count", "en", events=1, legs=1, date="x").startswith("1 event and 1 route leg ")
    assert t("export_animation_note", "en", frames=1, start="a", end="b").startswith("1 frame,")
    assert t("export_animation_note", "en", frames=3, start="a", end="b").startswith("3 frames,")
    line = t("export_view_line", "en", region="Whole route", clock="c", layers="l", days=30, date="1 Oct 2023")
    assert "python -m" not in line and "frame '" not in line


@pytest.mark.parametrize("region", ["route", "rajin_dunai"])
def test_image_footer_has_no_internal_ids(dataset, region: str) -> None:
    from test_export import svg_texts

    for lang in ("en", "ja"):
        text = svg_texts(render(dataset, MapView(as_of=date(2023, 10, 20), region=region, lang=lang), ExportOptions(fmt="svg", dpi=SMALL)))
        for bad in ("python -m", "frame '", "rajin_dunai", "(n.d.)", "seed0", ".txt", "\u200b"):
            assert bad not in text, bad


# --- SVG: no font needed to view it; URLs are links
def test_svg_draws_text_as_paths_and_keeps_it_readable_and_linked(dataset) -> None:
    data = render(dataset, MapView(as_of=date(2023, 10, 20), region="route", lang="ja"), ExportOptions(fmt="svg", dpi=SMALL))
    root = ET.fromstring(data)
    assert not list(root.iter(f"{SVG_NS}text")), "text must be drawn as paths (no font needed)"
    assert b"font-family" not in data and b"@font-face" not in data
    titles = ["".join(n.itertext()) for n in root.iter(f"{SVG_NS}title")]
    assert any("ロシア・北朝鮮関係マップ" in x for x in titles) and any("2023年10月20日" in x for x in titles)
    links = [a.get("{http://www.w3.org/1999/xlink}href") for a in root.iter(f"{SVG_NS}a")]
    assert "https://www.washingtonpost.com/national-security/2023/10/13/north-korea-russia-weapons-ukraine/" in links
    assert all(not INVISIBLE.search(x or "") for x in links)


def test_pdf_source_urls_are_links(dataset) -> None:
    data = render(dataset, MapView(as_of=date(2023, 10, 20), region="route"), ExportOptions(fmt="pdf", dpi=SMALL))
    assert b"/URI (https://www.washingtonpost.com/national-security/2023/10/13/north-korea-russia-weapons-ukraine/)" in data


# --- animations: one layout for every frame
def test_gif_frames_share_one_layout(dataset) -> None:
    view = MapView(as_of=date(2023, 7, 1), region="route")
    days = date_steps(date(2023, 7, 1), date(2023, 12, 1), "1m")
    options = ExportOptions(dpi=SMALL)
    pin = plan_layout(dataset, view, days, options)
    import matplotlib as mpl

    from rkmap.render import _mpl

    with mpl.rc_context(_mpl.rc_params("en")):
        for day in days:
            fig = build_figure(dataset, view.with_(as_of=day), options.validated(), pin)
            assert fig.briefing_pin == pin, day  # same source rows, legend and inset place
            map_axes = fig.axes[0].get_position().bounds
            if day == days[0]:
                first_axes = map_axes
            assert map_axes == first_axes, day
    frames = render_frames(dataset, view, days, options)
    # The legend (right column, below the header) is the same in every frame.
    h, w, _ = frames[0].shape
    legend = (slice(int(h * 0.2), int(h * 0.65)), slice(int(w * 0.71), w))
    for frame in frames[1:]:
        assert np.array_equal(frame[legend], frames[0][legend])


# --- slide decks (python-pptx) and video (imageio-ffmpeg)
def _libreoffice() -> str | None:
    import shutil

    return shutil.which("libreoffice") or shutil.which("soffice")


def test_story_deck_has_a_slide_per_step_with_notes_and_opens_in_libreoffice(dataset, tmp_path) -> None:
    import subprocess

    from pptx import Presentation

    from rkmap.data.story import load_story
    from rkmap.render.slides import story_deck

    steps, _ = load_story(dataset, strict=False)
    steps = steps[:3]
    data = story_deck(dataset, steps, "ja", ExportOptions(dpi=SMALL))
    deck = Presentation(__import__("io").BytesIO(data))
    assert len(deck.slides) == 3
    for slide, step in zip(deck.slides, steps):
        texts = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        assert step.caption("ja") in texts and "時点" in texts
        notes = slide.notes_slide.notes_text_frame.text
        assert "[1]" in notes and not FORBIDDEN.search(notes), notes
        assert any(shape.shape_type == 13 for shape in slide.shapes)  # the map picture
    office = _libreoffice()
    if office is None:
        pytest.skip("LibreOffice is not installed")
    path = tmp_path / "story.pptx"
    path.write_bytes(data)
    env = {**__import__("os").environ, "HOME": str(tmp_path)}
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)], check=True, timeout=240, env=env, capture_output=True)
    pdf = (tmp_path / "story.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) == 3


def test_story_titles_name_the_item_and_keep_to_their_line(dataset) -> None:
    """#24: the step on the rail leg was titled by its id ('rail'); long titles wrapped onto the as-of line below."""
    from pptx import Presentation

    from rkmap.core.text import format_date
    from rkmap.data.story import load_story
    from rkmap.render.slides import SLIDE_W_IN, TITLE_MIN_PT, Slide, deck_bytes, story_slides, title_size

    steps, _ = load_story(dataset, strict=False)
    leg = [step for step in steps if step.item == "leg:rail"]
    for lang, title in (("en", "Dunai → Tikhoretsk by rail"), ("ja", "ドゥナイ→チホレツク(鉄道)")):
        assert [s.title for s in story_slides(dataset, leg, lang, ExportOptions(dpi=SMALL))] == [title]
    long = "Putin in Pyongyang: Comprehensive Strategic Partnership Treaty signed"
    assert title_size("Putin visits North Korea", 12.4) == 26 and TITLE_MIN_PT <= title_size(long, 12.4) < 26
    assert title_size("金正恩氏がショイグ国防相とウラジオストクの軍用飛行場・太平洋艦隊を視察", 12.4) < 26
    deck = Presentation(__import__("io").BytesIO(deck_bytes([Slide(long, format_date(date(2024, 6, 19), "en"), "", _tiny_png(), "")])))
    run = deck.slides[0].shapes[0].text_frame.paragraphs[0].runs[0]
    assert run.font.size.pt * sum(0.62 for _ in long) <= (SLIDE_W_IN - 0.9) * 72  # one line, as estimated


def _tiny_png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 9), "white").save(buffer, format="png")
    return buffer.getvalue()


def test_range_deck_slides_share_one_layout(dataset) -> None:
    from pptx import Presentation

    from rkmap.render.slides import range_deck

    view = MapView(as_of=date(2023, 9, 1), region="far_east")
    days = date_steps(date(2023, 9, 1), date(2023, 11, 1), "1m")
    deck = Presentation(__import__("io").BytesIO(range_deck(dataset, view, days, ExportOptions(dpi=SMALL))))
    assert len(deck.slides) == 3
    titles = [slide.shapes[0].text_frame.text for slide in deck.slides]
    assert titles[0].endswith("1 Sep 2023") and titles[-1].endswith("1 Nov 2023")


def test_mp4_has_every_date_as_frames_of_one_size(dataset, tmp_path) -> None:
    import imageio_ffmpeg

    from rkmap.render.animate import FRAME_MS, LAST_FRAME_MS, MP4_FPS, write_mp4

    view = MapView(as_of=date(2023, 9, 1), region="rajin_dunai")
    days = date_steps(date(2023, 9, 1), date(2023, 10, 15), "14d")
    frames = render_frames(dataset, view, days, ExportOptions(dpi=SMALL))
    out = tmp_path / "range.mp4"
    written = write_mp4(frames, out)
    reader = imageio_ffmpeg.read_frames(str(out))
    meta = next(reader)
    decoded = list(reader)
    h, w = frames[0].shape[:2]
    assert tuple(meta["size"]) == (w, h)
    expected = (len(days) - 1) * round(FRAME_MS * MP4_FPS / 1000) + round(LAST_FRAME_MS * MP4_FPS / 1000)
    assert written == expected == len(decoded)
    # The first and the last video frames are the first and the last dates (lossy: close, not equal).
    first = np.frombuffer(decoded[0], dtype=np.uint8).reshape(h, w, 3).astype(int)
    last = np.frombuffer(decoded[-1], dtype=np.uint8).reshape(h, w, 3).astype(int)
    assert np.abs(first - frames[0]).mean() < 6 and np.abs(last - frames[-1]).mean() < 6


# --- labels: never over another label, a symbol or a route line
LABEL_DATES = (date(2000, 7, 19), date(2011, 8, 24), date(2019, 4, 25), date(2023, 9, 13), date(2023, 10, 20), date(2024, 6, 30))
# Dates with several places known only to a country or region, whose event lists compete for room.
AREA_LIST_DATES = (date(2024, 12, 4), date(2026, 12, 6))


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("region", list(REGIONS))
def test_no_label_overlaps_a_label_a_symbol_or_a_route_line(dataset, region: str, lang: str) -> None:
    import matplotlib as mpl
    from matplotlib.patches import FancyBboxPatch

    from rkmap.render import _mpl
    from rkmap.render.labels import conflicts

    options = ExportOptions(dpi=72).validated()
    for day in (*LABEL_DATES, *AREA_LIST_DATES):
        with mpl.rc_context(_mpl.rc_params(lang)):
            fig = build_figure(dataset, MapView(as_of=day, region=region, lang=lang), options)
            fig.canvas.draw()
            renderer = fig.canvas.get_renderer()
            labelled = 0
            for drawing in fig.briefing_labels:
                boxes = [tuple(label.get_window_extent(renderer).extents) for label in drawing.labels]
                labelled += len(boxes)
                problems = conflicts(boxes, drawing.symbols, drawing.lines)
                assert not problems, (day, region, lang, problems, [label.get_text() for label in drawing.labels])
            assert labelled >= 3, (day, region, lang)
            # The event lists of the places known only to a country or region (boxes drawn in a map's axes):
            # never over one another, over a label, or over the inset.
            label_boxes = [tuple(label.get_window_extent(renderer).extents) for drawing in fig.briefing_labels for label in drawing.labels]
            for k, ax in enumerate(fig.axes):
                lists = [tuple(a.get_window_extent(renderer).extents) for a in ax.get_children() if isinstance(a, FancyBboxPatch)]
                others = [tuple(o.get_window_extent(renderer).extents) for o in fig.axes[k + 1 :] if o.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))]
                problems = conflicts(lists, [*label_boxes, *others])
                assert not problems, (day, region, lang, "area lists", problems, lists)


def test_label_rule_moves_drops_and_leads() -> None:
    from rkmap.render.labels import LabelRequest, conflicts, place_labels

    frame = (0.0, 0.0, 200.0, 100.0)
    line = np.array([[0.0, 50.0], [200.0, 50.0]])
    a = LabelRequest("a", (100.0, 60.0), (60.0, 10.0), priority=2, clearance=3)
    b = LabelRequest("b", (104.0, 60.0), (60.0, 10.0), priority=1, clearance=3)
    placed, dropped = place_labels([b, a], frame=frame, symbols=[(97, 57, 103, 63), (101, 57, 107, 63)], lines=[line], gap=2)
    assert [p.key for p in placed][0] == "a"  # priority first
    boxes = [p.box for p in placed]
    assert not conflicts(boxes, [(97, 57, 103, 63), (101, 57, 107, 63)], [line])
    # A label with no room at all is dropped, never overlapped.
    tiny = (0.0, 0.0, 30.0, 30.0)
    placed, dropped = place_labels([LabelRequest("c", (15.0, 15.0), (60.0, 10.0))], frame=tiny)
    assert not placed and dropped == ["c"]
    # Boxed in near its symbol: it moves out and gets a leader line.
    walls = [(20, 40, 80, 60)]
    placed, _ = place_labels([LabelRequest("d", (50.0, 50.0), (30.0, 8.0), clearance=2)], frame=(0, 0, 100, 100), reserved=walls, gap=2)
    assert placed and placed[0].leader is not None


# --- places known only to a country: the country's outline, hatched, with its events listed
def test_vague_places_are_outlines_with_their_events_listed(dataset) -> None:
    import matplotlib as mpl
    from matplotlib.patches import Circle
    from test_export import svg_texts

    from rkmap.render import _mpl
    from rkmap.render.image import _area_outlines

    outlines = _area_outlines()
    assert {"russia", "north_korea"} <= set(outlines)
    assert outlines["north_korea"].bounds[0] > 124 and outlines["north_korea"].bounds[2] < 131  # North Korea, not China
    # From the data: each country's earliest event known only to the country (it heads the country's list at
    # any later date), at the first date when both countries have one.
    events = dataset.events
    vague = events[events["is_area"].astype(bool) & events["place_id"].isin(["russia", "north_korea"])]
    firsts = vague.sort_values(["start", "id"]).groupby("place_id", sort=False).head(1)
    assert set(firsts["place_id"]) == {"russia", "north_korea"}, "the data have events known only to each country"
    day = max(firsts["start"])
    view = MapView(as_of=date(day.year, day.month, day.day), region="route")
    with mpl.rc_context(_mpl.rc_params("en")):
        fig = build_figure(dataset, view, ExportOptions(dpi=SMALL).validated())
    main = fig.axes[0]
    hatched = {c.get_gid() for c in main.collections if (c.get_gid() or "").startswith("area-hatch-")}
    assert {"area-hatch-russia", "area-hatch-north_korea"} <= hatched, "the countries are drawn as hatched outlines"
    assert not [a for a in main.patches if isinstance(a, Circle) and a.get_hatch() is None], "no grey circle stands for a country"
    text = svg_texts(render(dataset, view, ExportOptions(fmt="svg", dpi=SMALL)))
    for _, first in firsts.iterrows():
        assert first["place_name_en"].endswith("(location not known more precisely)")
        assert first["place_name_en"] in text and first["title_en"] in text, (view.as_of, first["id"])


def test_a_leader_avoids_crossing_a_route_line_when_it_can() -> None:
    from rkmap.render.labels import LabelRequest, place_labels

    line = np.array([[40.0, 0.0], [40.0, 100.0]])  # a route line just right of the symbol
    wall = (20.0, 44.0, 39.0, 56.0)  # the near spots on the left are taken
    request = LabelRequest("p", (35.0, 50.0), (20.0, 6.0), clearance=2)
    placed, _ = place_labels([request], frame=(0, 0, 100, 100), lines=[line], reserved=[wall], gap=2)
    assert placed and placed[0].box[2] <= 40.0  # stays on the symbol's side of the line


def test_long_area_list_titles_are_cut_with_an_ellipsis_only_when_needed() -> None:
    from rkmap.render import _mpl
    from rkmap.render.image import _ellipsized

    title = "South Korea's intelligence: 13,000+ containers of munitions shipped to Russia since August 2023"
    assert _ellipsized(title, "en", 6.2, None) == title
    assert _ellipsized(title, "en", 6.2, 1000.0) == title
    cut = _ellipsized(title, "en", 6.2, 120.0)
    assert cut.endswith("…") and title.startswith(cut[:-1]) and _mpl.text_width_pt(cut, "en", 6.2) <= 120.0
    ja = _ellipsized("韓国情報機関：2023年8月以降、弾薬を積んだコンテナ1万3000個以上をロシアへ", "ja", 6.2, 60.0)
    assert ja.endswith("…") and _mpl.text_width_pt(ja, "ja", 6.2) <= 60.0
