"""The label rule as rkmap/render/labels.py's module docstring states it, one candidate at a time.

The placer caches each label's candidates and the tests that the other labels
cannot change (``labels._Candidates``); this is the plain per-candidate loop it
replaced, kept as the oracle that the cache changes no placement (test_labels.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from rkmap.render import labels as L


def _first_free(request, sides, sizes, rings, gap, pad, frame, placed, blocked, route, leader_blocked, strict, limits):
    blocked, leader_blocked = L._near(request, blocked, gap, pad, rings), L._near(request, leader_blocked, gap, pad, rings)
    for ring, distance in enumerate(rings):
        if limits.max_move is not None and gap * distance > limits.max_move + 1e-9:
            break
        for variant, side in ((v, side) for v in range(len(sizes)) for side in sides):
            box = L._box_at(request, side, gap * distance, sizes[variant])
            padded = L._grow(box, pad)
            if not L._inside(box, frame):
                continue
            if limits.max_move is not None and L.distance_to_box(request.anchor, box) - request.clearance > limits.max_move + 1e-9:
                continue
            if any(L.overlap(padded, other.box) > 0 for other in placed):
                continue
            if any(L.overlap(padded, tuple(b)) > 0 for b in blocked.tolist()):
                continue
            if route.touches(padded):
                continue
            if any(L.segment_hits_box((*other.leader[0], *other.leader[1]), padded) for other in placed if other.leader is not None):
                continue
            if L._nearer_rival(request.anchor, box, limits.rivals, request.clearance, L.RIVAL_MARGIN if ring > 0 else 1.0):
                continue
            if ring == 0:
                return L.Placed(request.key, box, side, None, variant)
            leader = L._leader(request, box)
            if strict and route.crosses((*leader[0], *leader[1])):
                continue
            if any(L.segment_hits_box((*leader[0], *leader[1]), L._grow(other.box, -0.5)) for other in placed):
                continue
            if L._segment_hits_any((*leader[0], *leader[1]), leader_blocked, request.anchor):
                continue
            return L.Placed(request.key, box, side, leader, variant)
    return None


def place_labels(requests: Iterable[L.LabelRequest], *, frame: L.Box, symbols: Sequence[L.Box] = (), lines: Iterable[np.ndarray] = (),
                 reserved: Sequence[L.Box] = (), gap: float = 4.0, pad: float = 1.0, rings: Sequence[float] = L.RINGS,
                 leaders_avoid_symbols: bool = True, max_move: float | None = None, rivals: Sequence[L.Point] = ()):
    requests = list(requests)
    route = L._Lines(lines)
    blocked = np.concatenate([np.asarray(symbols, dtype=float).reshape(-1, 4), np.asarray(reserved, dtype=float).reshape(-1, 4)])
    leader_blocked = blocked if leaders_avoid_symbols else blocked[:0]
    limits = L._Limits(max_move, np.asarray(rivals, dtype=float).reshape(-1, 2))

    def first_free(request: L.LabelRequest, placed: list[L.Placed], strict: bool) -> L.Placed | None:
        return _first_free(request, L._sides(request), (request.size, *request.alternatives), rings, gap, pad, frame, placed, blocked, route,
                           leader_blocked, strict, limits)

    # The orders tried and the layout kept are the placer's own (labels._best_layout, labels._attempt).
    return L._best_layout(requests, lambda order: L._attempt(order, first_free, leaders_avoid_symbols))
