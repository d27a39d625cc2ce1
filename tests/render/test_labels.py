"""The label placer (rkmap/render/labels.py) on generated layouts: far symbols never change a layout; the cached candidates place as the plain rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.sampled_from([0, 5, 60, 400]), st.booleans(), st.sampled_from([None, 5.0, 12.0, 30.0]), st.booleans(),
       st.sampled_from([RINGS, (1.0, 2.0, 3.5, 5.0)]))
def test_the_cached_candidates_place_as_the_rule_one_candidate_at_a_time(seed: int, n_symbols: int, avoid: bool, max_move: float | None,
                                                                         with_rivals: bool, rings: tuple[float, ...]) -> None:
    """Random layouts (labels of several sizes and sides, symbols, route lines, an inset, rivals): the same placements as the plain loop."""
    from tests.render import label_rule_reference as reference

    rng = np.random.default_rng(seed)
    requests = [
        LabelRequest(f"k{i}", tuple(rng.uniform(-300, 300, 2).tolist()), (float(rng.uniform(30, 120)), float(rng.uniform(8, 20))),
                     priority=float(rng.integers(0, 4)), preferred=str(rng.choice([*labels.SIDES, "nowhere"])), clearance=float(rng.uniform(0, 6)),
                     alternatives=tuple((float(rng.uniform(20, 60)), float(rng.uniform(10, 30))) for _ in range(int(rng.integers(0, 3)))))
        for i in range(int(rng.integers(5, 26)))
    ]
    centres = rng.uniform(-350, 350, (n_symbols, 2))
    kwargs = {
        "frame": (-350.0, -350.0, 350.0, 350.0), "symbols": [(x - 3, y - 3, x + 3, y + 3) for x, y in centres.tolist()],
        "lines": [rng.uniform(-350, 350, (int(rng.integers(2, 10)), 2)) for _ in range(int(rng.integers(0, 5)))],
        "reserved": [(-350.0, -350.0, -200.0, -250.0)] if seed % 3 == 0 else [], "gap": float(rng.choice([3.0, 4.0, 6.0])),
        "pad": float(rng.choice([0.0, 1.0, 2.0])), "leaders_avoid_symbols": avoid, "max_move": max_move, "rings": rings,
        "rivals": [tuple(p) for p in centres[: int(rng.integers(0, n_symbols + 1))].tolist()] if with_rivals else [],
    }
    assert place_labels(requests, **kwargs) == reference.place_labels(requests, **kwargs)
