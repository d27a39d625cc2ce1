"""The label placer (rkmap/render/labels.py) on generated layouts: far symbols never change a layout."""

from __future__ import annotations

import numpy as np
import pytest

from rkmap.render import labels
from rkmap.render.labels import RINGS, LabelRequest, conflicts, place_labels


def _layout(seed: int) -> tuple[list[LabelRequest], list[tuple[float, float, float, float]], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    requests = [
        LabelRequest(f"label-{i}", (float(rng.uniform(-300, 300)), float(rng.uniform(-200, 200))), (float(rng.uniform(30, 140)), 14.0),
                     priority=float(rng.integers(0, 3)), preferred=str(rng.choice(labels.SIDES)), clearance=4.0,
                     alternatives=((float(rng.uniform(20, 60)), 28.0),))
        for i in range(25)
    ]
    centres = rng.uniform(-4000, 4000, size=(3000, 2))
    centres[:300] = rng.uniform(-350, 350, size=(300, 2))  # some near the labels, most far off
    symbols = [(x - 4, y - 4, x + 4, y + 4) for x, y in centres.tolist()]
    lines = [rng.uniform(-400, 400, size=(6, 2))]
    return requests, symbols, lines


@pytest.mark.parametrize("seed", range(6))
def test_symbols_out_of_reach_never_change_the_layout(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    requests, symbols, lines = _layout(seed)
    frame = (-5000.0, -5000.0, 5000.0, 5000.0)
    near = labels._within_reach(requests, symbols, 4.0, 1.0, RINGS)
    assert 0 < len(near) < len(symbols) / 2, "the test needs symbols both within and out of reach"
    fast = place_labels(requests, frame=frame, symbols=symbols, lines=lines, gap=4.0, pad=1.0)
    monkeypatch.setattr(labels, "_within_reach", lambda _requests, boxes, *_: boxes)
    every = place_labels(requests, frame=frame, symbols=symbols, lines=lines, gap=4.0, pad=1.0)
    assert fast == every
    placed, _ = fast
    assert not conflicts([p.box for p in placed], symbols, lines)
