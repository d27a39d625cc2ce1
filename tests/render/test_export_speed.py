"""The export's speed tricks draw and write exactly what matplotlib and Pillow would (issue #24)."""

from __future__ import annotations

import io
from datetime import date

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from rkmap.render import _agg_text, _mpl
from rkmap.render.image import ExportOptions, build_figure, render
from rkmap.render.view import MapView


def _pixels(figure_canvas: type, dataset, view: MapView, dpi: int) -> np.ndarray:
    with mpl.rc_context(_mpl.rc_params(view.lang)):
        fig = build_figure(dataset, view, ExportOptions(dpi=dpi))
        figure_canvas(fig)
        fig.canvas.draw()
        return np.array(fig.canvas.buffer_rgba())


@pytest.mark.parametrize(("lang", "region"), [("en", "route"), ("ja", "rajin_dunai")])
def test_kept_text_draws_the_pixels_matplotlib_draws(dataset, lang: str, region: str) -> None:
    view = MapView(as_of=date(2023, 10, 13), region=region, lang=lang)
    plain = _pixels(FigureCanvasAgg, dataset, view, 110)
    _agg_text.clear()
    first = _pixels(_agg_text.Canvas, dataset, view, 110)  # every string measured, laid out and rasterised
    again = _pixels(_agg_text.Canvas, dataset, view, 110)  # every one kept
    assert np.array_equal(first, plain)
    assert np.array_equal(again, plain)
    other = view.with_(as_of=date(2024, 6, 30))  # some strings kept, others new, at other positions
    assert np.array_equal(_pixels(_agg_text.Canvas, dataset, other, 110), _pixels(FigureCanvasAgg, dataset, other, 110))


def test_png_is_lossless_and_carries_its_print_size(dataset) -> None:
    view = MapView(as_of=date(2023, 10, 13))
    data = render(dataset, view, ExportOptions(dpi=60))
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.mode == "RGB" and image.size == (round(3840 * 60 / 300), round(2160 * 60 / 300))
    assert image.info["dpi"] == pytest.approx((60, 60), abs=0.01)
    drawn = _pixels(FigureCanvasAgg, dataset, view, 60)[..., :3]
    assert np.array_equal(np.asarray(image), drawn)
    assert render(dataset, view, ExportOptions(dpi=60)) == data  # the same bytes again
