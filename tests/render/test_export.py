"""Briefing exports (rkmap/render/image.py, rkmap/render/animate.py): formats, presets, contents, determinism.

Structure tests render at a low dpi (the layout is in inches, so it is the same
drawing); the pixel-size tests render at full size. Speed is measured by
``python -m rkmap.render.bench``, not here.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from PIL import Image

from rkmap.core import projection, style
from rkmap.render import _mpl
from rkmap.render.animate import date_steps, gif_bytes, parse_step, render_frames, render_gif
from rkmap.render.image import (
    PRESETS,
    ExportOptionError,
    ExportOptions,
    basemap_bounds,
    export_contents,
    fit_frame,
    image_size,
    render,
)
from rkmap.render.view import MapView

AS_OF = date(2023, 10, 13)
VIEW = MapView(as_of=AS_OF, region="route")
SMALL = 40  # dpi for tests where only the structure matters

SVG_NS = "{http://www.w3.org/2000/svg}"


def svg_texts(data: bytes) -> str:
    """All text of an SVG, one string per line: its text groups' titles (glyphs are drawn as paths)."""
    root = ET.fromstring(data)
    nodes = [*root.iter(f"{SVG_NS}text"), *root.iter(f"{SVG_NS}title")]
    return "\n".join("".join(node.itertext()) for node in nodes)


def pdf_page_size(data: bytes) -> tuple[float, float]:
    match = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert match, "no MediaBox in the PDF"
    return float(match.group(1)), float(match.group(2))


# --- PNG
def test_slide_png_is_4k_at_full_size(dataset) -> None:
    data = render(dataset, VIEW, ExportOptions(size="slide", fmt="png"))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.size == (3840, 2160) and image.mode == "RGB"
    assert round(image.info["dpi"][0]) == 300


def test_a4_png_is_a4_landscape_at_300_dpi(dataset) -> None:
    data = render(dataset, VIEW, ExportOptions(size="a4", fmt="png"))
    assert Image.open(io.BytesIO(data)).size == (3508, 2480)


def test_low_dpi_png_keeps_the_proportions(dataset) -> None:
    options = ExportOptions(size="a4", fmt="png", dpi=SMALL)
    image = Image.open(io.BytesIO(render(dataset, VIEW, options)))
    assert image.size == image_size(options)
    assert abs(image.size[0] / image.size[1] - 3508 / 2480) < 0.01


# --- PDF
@pytest.mark.parametrize(("size", "expected"), [("a4", (842, 595)), ("slide", (921.6, 518.4))])
def test_pdf_page_size(dataset, size: str, expected: tuple[float, float]) -> None:
    data = render(dataset, VIEW, ExportOptions(size=size, fmt="pdf", dpi=SMALL))
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    width, height = pdf_page_size(data)
    assert abs(width - expected[0]) < 1 and abs(height - expected[1]) < 1
    assert b"CreationDate" not in data  # reproducible: no timestamp


def test_pdf_is_vector(dataset) -> None:
    data = render(dataset, VIEW, ExportOptions(size="a4", fmt="pdf", dpi=SMALL))
    assert b"/Subtype /Image" not in data  # no raster image inside: map, text and symbols are vector


# --- SVG
@pytest.mark.parametrize("size", list(PRESETS))
def test_svg_has_real_text_with_the_date_stamp_and_legend(dataset, size: str) -> None:
    data = render(dataset, VIEW, ExportOptions(size=size, fmt="svg", dpi=SMALL, banner="UNCLASSIFIED // OPEN SOURCE"))
    text = svg_texts(data)
    assert "13 Oct 2023" in text and "AS OF" in text
    for label in ("Legend", "Rail leg", "Sea leg", "Confirmed (solid)", "Contested or unconfirmed", "Happening at the as-of date", "Capital"):
        assert label in text, label
    assert text.count("UNCLASSIFIED // OPEN SOURCE") == 2  # top and bottom
    assert "Sources for the features shown" in text and "[1]" in text
    assert "OpenStreetMap contributors (ODbL)" in text and "Natural Earth" in text
    assert "km" in text  # scale bar
    assert b"<dc:date>" not in data  # reproducible: no timestamp


def test_japanese_svg_and_png(dataset) -> None:
    view = MapView(as_of=date(2023, 9, 20), region="rajin_dunai", lang="ja")
    text = svg_texts(render(dataset, view, ExportOptions(fmt="svg", dpi=SMALL)))
    for label in ("2023年9月20日", "基準日", "凡例", "ウラジオストク", "羅津港", "鉄道区間", "係争・未確認", "表示項目の出典"):
        assert label in text, label
    # Each place label carries its own title, its halo drawn before its glyphs notwithstanding.
    root = ET.fromstring(render(dataset, view, ExportOptions(fmt="svg", dpi=SMALL)))
    titles = {g.get("id"): g.get("aria-label") for g in root.iter(f"{SVG_NS}g") if (g.get("id") or "").startswith("place-")}
    assert titles["place-rajin"].startswith("羅津港") and titles["place-vladivostok"].startswith("ウラジオストク"), titles
    png = render(dataset, view, ExportOptions(fmt="png", dpi=SMALL))
    assert Image.open(io.BytesIO(png)).size == image_size(ExportOptions(dpi=SMALL))


def test_cjk_font_ships_in_a_package() -> None:
    path = _mpl.cjk_font_path()
    assert path.name == "ipaexg.ttf" and "matplotlib_fontja" in str(path)


# --- determinism
@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_same_inputs_give_the_same_bytes(dataset, fmt: str) -> None:
    options = ExportOptions(fmt=fmt, dpi=SMALL, banner="TEST")
    assert render(dataset, VIEW, options) == render(dataset, VIEW, options)


# --- contents
def test_contents_follow_the_view(dataset) -> None:
    frame, _ = fit_frame("route", 2.0)
    contents = export_contents(dataset, VIEW, frame)
    keys = [entry.key for entry in contents.legend]
    assert "route-rail" in keys and "route-sea" in keys and "schematic" in keys
    assert "claim-contested" in keys and "claim-confirmed" in keys and "emphasis" in keys
    assert [s.number for s in contents.sources] == list(range(1, len(contents.sources) + 1))
    assert len({s.source_id for s in contents.sources}) == len(contents.sources)
    # Before the transfer: no route, no route legend.
    early = export_contents(dataset, VIEW.with_(as_of=date(2019, 4, 25)), frame)
    assert not any(entry.key.startswith("route-") for entry in early.legend)
    # The sea-leg frame lists fewer sources than the whole route.
    small_frame, _ = fit_frame("rajin_dunai", 1.8)
    assert len(export_contents(dataset, VIEW.with_(region="rajin_dunai"), small_frame).sources) < len(contents.sources)


def test_layers_option_limits_what_is_drawn(dataset) -> None:
    view = VIEW.with_(layers=frozenset({"places"}))
    text = svg_texts(render(dataset, view, ExportOptions(fmt="svg", dpi=SMALL)))
    assert "City" in text and "Rail leg" not in text and "Summit" not in text


def test_contested_items_are_hollow_on_the_map_and_in_the_legend() -> None:
    contested = [e for e in style.CLAIM_LEGEND if e.key == "claim-contested"][0]
    assert contested.hollow and contested.dashed


def test_frames_stay_inside_the_basemap() -> None:
    west, south, east, north = basemap_bounds()
    for region in ("route", "far_east", "rajin_dunai"):
        for aspect in (0.8, 1.6, 2.6):
            frame, got = fit_frame(region, aspect)
            w, s, e, n = frame.lonlat
            assert west - 1e-6 <= w and e <= east + 1e-6 and south - 1e-6 <= s and n <= north + 1e-6
            assert got == pytest.approx((frame.x1 - frame.x0) / (frame.y1 - frame.y0))


def test_scale_bar_uses_the_latitude_of_the_map_centre() -> None:
    assert _mpl.ground_metres_per_unit(60.0) == pytest.approx(0.5)
    assert _mpl.nice_length(740) == 500 and _mpl.nice_length(1999) == 1000 and _mpl.nice_length(3.2) == 2
    x, y = projection.mercator(10.0, 45.0)
    lon, lat = projection.inverse_mercator(float(x), float(y))
    assert lon == pytest.approx(10.0) and lat == pytest.approx(45.0)


def test_data_text_never_becomes_mathtext(dataset) -> None:
    title = "Costs $5 and $x^2$ \\frac"
    data = render(dataset, VIEW, ExportOptions(fmt="svg", dpi=SMALL, title=title, banner="$$"))
    assert title in svg_texts(data)


# --- bad options
@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ExportOptions(size="a3"), "size must be one of"),
        (ExportOptions(fmt="jpg"), "format must be one of"),
        (ExportOptions(banner="X" * 81), "banner is 81 characters"),
        (ExportOptions(title="T" * 500), "title is 500 characters"),
        (ExportOptions(dpi=5), "dpi must be"),
    ],
)
def test_bad_options_are_refused_clearly(dataset, options: ExportOptions, message: str) -> None:
    with pytest.raises(ExportOptionError, match=message):
        render(dataset, VIEW, options)


# --- animation
def test_date_steps() -> None:
    days = date_steps(date(2023, 9, 7), date(2023, 10, 13), "7d")
    assert days[0] == date(2023, 9, 7) and days[-1] == date(2023, 10, 13) and len(days) == 7
    assert date_steps(date(2023, 1, 31), date(2023, 4, 30), "1m") == [date(2023, 1, 31), date(2023, 2, 28), date(2023, 3, 31), date(2023, 4, 30)]
    assert date_steps(date(2023, 1, 1), date(2023, 1, 1), "1d") == [date(2023, 1, 1)]
    assert parse_step("2w") == (2, "w")
    for bad in ("7x", "0d", "d", "", "7 days"):
        with pytest.raises(ExportOptionError, match="step must be"):
            parse_step(bad)
    with pytest.raises(ExportOptionError, match="before its start"):
        date_steps(date(2023, 10, 13), date(2023, 9, 7), "7d")


def test_gif_has_one_frame_per_step(dataset) -> None:
    view = VIEW.with_(clock="public")
    start, until = date(2023, 9, 7), date(2023, 10, 13)
    steps = date_steps(start, until, "7d")
    data = render_gif(dataset, view, start, until, "7d", ExportOptions(dpi=20))
    image = Image.open(io.BytesIO(data))
    assert image.format == "GIF" and image.n_frames == len(steps) == 7
    assert image.size == image_size(ExportOptions(dpi=20))
    # Deterministic too.
    frames = render_frames(dataset, view, steps[-1:], ExportOptions(dpi=20))
    assert gif_bytes(frames) == gif_bytes(render_frames(dataset, view, steps[-1:], ExportOptions(dpi=20)))
