"""Korean text in the exports: a source's title in Hangul (KCNA's) is drawn, not as empty boxes (#24, sources a reader can follow).

Neither the Latin font nor IPAex Gothic has Hangul; NanumGothic is the last font of the fallback list
(rkmap/render/_mpl.py font_family), shipped in the koreanize-matplotlib wheel and never imported.
"""

from __future__ import annotations

import io
import warnings

import matplotlib as mpl
import pytest
from matplotlib.figure import Figure

from rkmap.data import load_dataset
from rkmap.render import _agg_text, _mpl

TITLE = "경애하는 김정은동지께서 러시아연방의 국경역 하산에 도착하시였다"


def test_the_shipped_data_has_a_korean_title() -> None:
    dataset, _ = load_dataset(strict=True)
    assert dataset.sources["title"].astype(str).str.contains(TITLE[:8], regex=False).any()


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("weight", ["normal", "bold"])
def test_a_korean_title_is_drawn_with_every_glyph(lang: str, weight: str) -> None:
    with mpl.rc_context(_mpl.rc_params(lang)), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig = Figure(figsize=(8, 1), dpi=100)
        _agg_text.Canvas(fig)  # the exports' canvas (its text cache)
        fig.text(0.01, 0.4, f"KCNA, 13 Sep 2023: {TITLE} 北朝鮮", fontsize=12, fontweight=weight)
        fig.savefig(io.BytesIO(), format="png")
        fig.savefig(io.BytesIO(), format="pdf")
        fig.savefig(io.BytesIO(), format="svg")
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    assert missing == [], missing[:3]
