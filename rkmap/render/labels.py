"""Label placement: where each place name goes so that no label covers another, a symbol or a route line.

Pure geometry in screen units (pixels or points, y up), no drawing library:
the image exports lay out their labels with it, and its rule is the one the
tests hold every export to.

The rule, for labels taken in order of priority (highest first):

1. Candidate positions around the symbol: the eight sides (the place's
   preferred side first) at the usual gap, then the same eight further out,
   ring after ring; a label away from its symbol gets a leader line.
2. A candidate is taken only if its box (with a little padding) lies inside the
   frame and overlaps no placed label, no symbol, no reserved box (map
   furniture, an inset) and no route line, and, for a leader, if the leader
   crosses no placed label, no other symbol and no route line (and no label crosses a placed leader).
3. With ``max_move``, a candidate further than that from its symbol's edge is
   not tried; with ``rivals`` (the other symbols' centres), neither is one
   nearer to another symbol than to its own: a label far from its place, or
   nearer another, names the wrong place, which is worse than no label.
4. The first candidate that passes wins (nearer rings and the preferred side
   first); a label with no such candidate is dropped: a lower-priority label
   is dropped before any overlap is allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (y up)
Point = tuple[float, float]

SIDES = ("right", "left", "above", "below", "above-right", "below-right", "above-left", "below-left", "above-start", "below-start", "above-end", "below-end")
# How far out each ring of candidates lies, in gaps beyond the symbol's edge.
RINGS = (1.0, 2.5, 4.5, 7.0, 10.0, 14.0)
# Another symbol must lie this many times further from a moved label than its own: a label moved
# about as near another symbol (Pyongyang's, right under Beijing's star) reads as that symbol's.
# (A label beside its symbol only needs to be nearer it: the capital by its neighbours keeps its name.)
RIVAL_MARGIN = 1.25


@dataclass(frozen=True)
class LabelRequest:
    key: str
    anchor: Point  # the symbol's centre
    size: tuple[float, float]  # width, height of the label's box
    priority: float = 0.0  # higher is placed first
    preferred: str = "right"
    clearance: float = 0.0  # half the symbol's size: labels start beyond it
    alternatives: tuple[tuple[float, float], ...] = ()  # other sizes of the same label (wrapped on two lines), tried after ``size``


@dataclass(frozen=True)
class Placed:
    key: str
    box: Box
    side: str
    leader: tuple[Point, Point] | None  # from the symbol's edge to the label, when it moved away
    variant: int = 0  # 0: ``size``; k: ``alternatives[k - 1]``


def _box_at(request: LabelRequest, side: str, distance: float, size: tuple[float, float] | None = None) -> Box:
    x, y = request.anchor
    w, h = size or request.size
    d = request.clearance + distance
    diagonal = d * 0.72
    if side == "right":
        return (x + d, y - h / 2, x + d + w, y + h / 2)
    if side == "left":
        return (x - d - w, y - h / 2, x - d, y + h / 2)
    if side == "above":
        return (x - w / 2, y + d, x + w / 2, y + d + h)
    if side == "below":
        return (x - w / 2, y - d - h, x + w / 2, y - d)
    if side.endswith(("-start", "-end")):  # above or below, the label starting (or ending) at the symbol
        x0 = x - request.clearance if side.endswith("-start") else x + request.clearance - w
        return (x0, y + d, x0 + w, y + d + h) if side.startswith("above") else (x0, y - d - h, x0 + w, y - d)
    dx = diagonal if "right" in side else -diagonal - w
    dy = diagonal if "above" in side else -diagonal - h
    return (x + dx, y + dy, x + dx + w, y + dy + h)


def overlap(a: Box, b: Box) -> float:
    """Area shared by two boxes (0 if they only touch)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _grow(box: Box, pad: float) -> Box:
    return (box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)


def _inside(box: Box, frame: Box) -> bool:
    return box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] and box[3] <= frame[3]


class _Lines:
    """Route lines as segments, for fast 'does this box touch a line' tests."""

    def crosses(self, segment: Sequence[float]) -> bool:
        """Whether a leader (x0, y0, x1, y1) meets a route line (it would read as part of it)."""
        if not len(self.segments):
            return False
        x0, y0, x1, y1 = segment
        box = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        b = self.bounds
        near = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
        return any(_segments_meet((x0, y0, x1, y1), tuple(seg)) for seg in self.segments[near])

    def __init__(self, lines: Iterable[np.ndarray]) -> None:
        segments = [np.column_stack([line[:-1], line[1:]]) for line in (np.asarray(a, dtype=float) for a in lines) if len(line) >= 2]
        self.segments = np.concatenate(segments) if segments else np.zeros((0, 4))
        if len(self.segments):
            s = self.segments
            self.bounds = np.column_stack([np.minimum(s[:, 0], s[:, 2]), np.minimum(s[:, 1], s[:, 3]), np.maximum(s[:, 0], s[:, 2]), np.maximum(s[:, 1], s[:, 3])])

    def touches(self, box: Box) -> bool:
        if not len(self.segments):
            return False
        b = self.bounds
        near = (b[:, 0] <= box[2]) & (b[:, 2] >= box[0]) & (b[:, 1] <= box[3]) & (b[:, 3] >= box[1])
        if not near.any():
            return False
        return any(segment_hits_box(tuple(seg), box) for seg in self.segments[near])


def _segments_meet(a: Sequence[float], b: Sequence[float]) -> bool:
    def orient(p: Sequence[float], q: Sequence[float], r: Sequence[float]) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    p1, p2, q1, q2 = a[:2], a[2:], b[:2], b[2:]
    d1, d2, d3, d4 = orient(q1, q2, p1), orient(q1, q2, p2), orient(p1, p2, q1), orient(p1, p2, q2)
    return ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0))


def segment_hits_box(segment: Sequence[float], box: Box) -> bool:
    """Whether the segment (x0, y0, x1, y1) meets the box (Liang–Barsky clipping)."""
    x0, y0, x1, y1 = segment
    dx, dy = x1 - x0, y1 - y0
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x0 - box[0]), (dx, box[2] - x0), (-dy, y0 - box[1]), (dy, box[3] - y0)):
        if p == 0:
            if q < 0:
                return False
            continue
        r = q / p
        if p < 0:
            if r > t1:
                return False
            t0 = max(t0, r)
        else:
            if r < t0:
                return False
            t1 = min(t1, r)
    return t0 <= t1


def distance_to_box(point: Point, box: Box) -> float:
    """From ``point`` to the nearest point of ``box`` (0 inside it)."""
    dx = max(box[0] - point[0], 0.0, point[0] - box[2])
    dy = max(box[1] - point[1], 0.0, point[1] - box[3])
    return float(np.hypot(dx, dy))


def _nearer_rival(anchor: Point, box: Box, rivals: np.ndarray, within: float = 0.0, margin: float = 1.0) -> bool:
    """Whether a symbol centre of ``rivals`` (n × 2) lies as near the box as ``anchor`` does.

    Symbols within ``within`` of the anchor (the symbol's own half size) are not rivals: they sit on the
    same spot (an analyst's Pyongyang on the shipped one), and a label by either names both.
    """
    if not len(rivals):
        return False
    own = distance_to_box(anchor, box)
    dx = np.maximum.reduce([box[0] - rivals[:, 0], np.zeros(len(rivals)), rivals[:, 0] - box[2]])
    dy = np.maximum.reduce([box[1] - rivals[:, 1], np.zeros(len(rivals)), rivals[:, 1] - box[3]])
    other = np.hypot(dx, dy)
    itself = np.hypot(rivals[:, 0] - anchor[0], rivals[:, 1] - anchor[1]) <= max(within, 1e-6)
    return bool(((other <= own * margin) & ~itself).any())


def _leader(request: LabelRequest, box: Box) -> tuple[Point, Point]:
    """From the symbol's edge towards the nearest point of the label's box."""
    x, y = request.anchor
    nx, ny = min(max(x, box[0]), box[2]), min(max(y, box[1]), box[3])
    length = max(1e-9, float(np.hypot(nx - x, ny - y)))
    start = (x + (nx - x) / length * request.clearance, y + (ny - y) / length * request.clearance)
    return start, (nx, ny)


def place_labels(
    requests: Iterable[LabelRequest],
    *,
    frame: Box,
    symbols: Sequence[Box] = (),
    lines: Iterable[np.ndarray] = (),
    reserved: Sequence[Box] = (),
    gap: float = 4.0,
    pad: float = 1.0,
    rings: Sequence[float] = RINGS,
    leaders_avoid_symbols: bool = True,
    max_move: float | None = None,
    rivals: Sequence[Point] = (),
) -> tuple[list[Placed], list[str]]:
    """Placed labels and the keys of the labels dropped for want of room.

    ``max_move``: how far (screen units) a label's box may lie from its symbol's
    edge; ``rivals``: the centres of the symbols a label must lie nearer its own
    than (rule 3).

    Labels go in order of priority; when some are dropped, the layout is tried
    again with those first (a label placed early can take a dropped one's only
    spot), and the layout that drops the least priority wins.
    """
    requests = list(requests)
    route = _Lines(lines)
    # One array (symbols may come as 100,000 rows: not unpacked into Python tuples and back).
    obstacles = np.concatenate([np.asarray(symbols, dtype=float).reshape(-1, 4), np.asarray(reserved, dtype=float).reshape(-1, 4)])
    blocked = _within_reach(requests, obstacles, gap, pad, rings)
    limits = _Limits(max_move, np.asarray(rivals, dtype=float).reshape(-1, 2))
    leader_blocked = blocked if leaders_avoid_symbols else blocked[:0]
    candidates = {
        request: _Candidates(request, _sides(request), (request.size, *request.alternatives), rings, gap, pad, frame, blocked, route, leader_blocked, limits)
        for request in requests
    }

    def first_free(request: LabelRequest, placed: list[Placed], strict: bool) -> Placed | None:
        return candidates[request].first_free(placed, np.array([p.box for p in placed], dtype=float).reshape(-1, 4), strict)

    return _best_layout(requests, lambda order: _attempt(order, first_free, leaders_avoid_symbols))


def _best_layout(requests: list[LabelRequest], attempt: Callable[[list[LabelRequest]], tuple[list[Placed], list[str]]]) -> tuple[list[Placed], list[str]]:
    """The layouts ``attempt`` makes of the labels in order of priority, then with the dropped ones first (up to four
    tries): the one that drops the least priority (then draws the fewest leaders)."""
    order = sorted(requests, key=lambda r: -r.priority)
    weight = {r.key: r.priority + 1 for r in requests}
    best: tuple[float, list[Placed], list[str]] | None = None
    for _ in range(4):
        placed, dropped = attempt(order)
        cost = sum(weight[k] for k in dropped) * 1000 + sum(1 for p in placed if p.leader is not None)
        if best is None or cost < best[0]:
            best = (cost, placed, dropped)
        if not dropped:
            break
        first = [r for r in order if r.key in dropped]
        again = first + [r for r in order if r.key not in dropped]
        if again == order:  # the dropped ones already went first: the same layout again (it is deterministic)
            break
        order = again
    assert best is not None
    return best[1], best[2]


def _reach(request: LabelRequest, gap: float, pad: float, rings: Sequence[float]) -> float:
    """How far from its anchor a candidate box or leader of ``request`` can reach (:func:`_box_at`)."""
    extent = max(max(size) for size in (request.size, *request.alternatives))
    return 2 * request.clearance + gap * max(rings, default=0.0) + extent + pad + 1.0


def _near(request: LabelRequest, boxes: np.ndarray, gap: float, pad: float, rings: Sequence[float]) -> np.ndarray:
    """The rows of ``boxes`` (n × 4) within :func:`_reach` of the request's anchor."""
    if len(boxes) <= 64:
        return boxes
    reach, (x, y) = _reach(request, gap, pad, rings), request.anchor
    return boxes[(boxes[:, 2] >= x - reach) & (boxes[:, 0] <= x + reach) & (boxes[:, 3] >= y - reach) & (boxes[:, 1] <= y + reach)]


def _within_reach(requests: Sequence[LabelRequest], boxes: Sequence[Box] | np.ndarray, gap: float, pad: float, rings: Sequence[float]) -> np.ndarray:
    """The boxes a candidate label or leader of ``requests`` could touch; the others cannot change the layout.

    A candidate box lies within its symbol's clearance, the outermost ring and its
    own size of the anchor (:func:`_box_at`), and a leader runs between the two.
    The map's label layout is asked about every event symbol (100,000 with a large
    data set), most of them far from any place name.
    """
    array = np.asarray(boxes, dtype=float).reshape(-1, 4)
    if len(array) <= 64 or not requests:
        return array
    keep = np.zeros(len(array), dtype=bool)
    for request in requests:
        reach, (x, y) = _reach(request, gap, pad, rings), request.anchor
        keep |= (array[:, 2] >= x - reach) & (array[:, 0] <= x + reach) & (array[:, 3] >= y - reach) & (array[:, 1] <= y + reach)
    return array[keep]


@dataclass(frozen=True)
class _Limits:
    max_move: float | None  # from the symbol's edge to the label's box, at most
    rivals: np.ndarray  # other symbols' centres (n × 2): the label lies nearer its own


def _sides(request: LabelRequest) -> tuple[str, ...]:
    return (request.preferred, *[s for s in SIDES if s != request.preferred]) if request.preferred in SIDES else SIDES


class _Candidates:
    """One label's candidate boxes in the order they are tried, with every test that the other labels cannot change.

    Made once per layout (:func:`place_labels` tries up to four orders, each
    label up to twice): the frame, ``max_move``, the symbols, the route lines and
    the rivals are the same at every try, so only the placed labels and their
    leaders are tested again. The boxes come from :func:`_box_at` as they did
    one at a time, and the tests are the same predicates, for all candidates at
    once where an array does it: the same first candidate wins.
    """

    def __init__(
        self, request: LabelRequest, sides: Sequence[str], sizes: Sequence[tuple[float, float]], rings: Sequence[float], gap: float, pad: float,
        frame: Box, blocked: np.ndarray, route: _Lines, leader_blocked: np.ndarray, limits: _Limits | None,
    ) -> None:
        self.request, self.route, self.limits = request, route, limits
        # Only the boxes this label's candidates and leaders can reach (as _within_reach, for this label alone).
        self.leader_blocked = _near(request, leader_blocked, gap, pad, rings)
        max_move = None if limits is None else limits.max_move
        tried: list[tuple[int, int, str]] = []
        for ring, distance in enumerate(rings):
            # Every candidate of a ring lies at least the ring's distance beyond the symbol's edge (a diagonal one a little
            # more): past ``max_move``, so do the rings after it.
            if max_move is not None and gap * distance > max_move + 1e-9:
                break
            tried += [(ring, variant, side) for variant in range(len(sizes)) for side in sides]
        self.tried = tried
        boxes = np.array([_box_at(request, side, gap * rings[ring], sizes[variant]) for ring, variant, side in tried], dtype=float).reshape(-1, 4)
        self.boxes = boxes
        self.padded = np.column_stack([boxes[:, 0] - pad, boxes[:, 1] - pad, boxes[:, 2] + pad, boxes[:, 3] + pad]) if len(boxes) else boxes
        ok = (boxes[:, 0] >= frame[0]) & (boxes[:, 1] >= frame[1]) & (boxes[:, 2] <= frame[2]) & (boxes[:, 3] <= frame[3])
        if max_move is not None:  # distance_to_box, for every box
            x, y = request.anchor
            dx = np.maximum(np.maximum(boxes[:, 0] - x, 0.0), x - boxes[:, 2])
            dy = np.maximum(np.maximum(boxes[:, 1] - y, 0.0), y - boxes[:, 3])
            ok &= ~(np.hypot(dx, dy) - request.clearance > max_move + 1e-9)
        near = _near(request, blocked, gap, pad, rings)
        if len(near) and ok.any():
            candidates = self.padded[ok]
            w = np.minimum(near[None, :, 2], candidates[:, None, 2]) - np.maximum(near[None, :, 0], candidates[:, None, 0])
            h = np.minimum(near[None, :, 3], candidates[:, None, 3]) - np.maximum(near[None, :, 1], candidates[:, None, 1])
            ok[ok] = ~((w > 0) & (h > 0)).any(axis=1)
        self.open = np.flatnonzero(ok)  # candidates past the array tests, in the order tried
        self._rest: dict[int, tuple[tuple[Point, Point] | None, bool] | None] = {}

    def rest(self, i: int) -> tuple[tuple[Point, Point] | None, bool] | None:
        """The other fixed tests of candidate ``i``: None if it fails one, else its leader and whether that crosses a route line."""
        if i not in self._rest:
            self._rest[i] = self._tested(i)
        return self._rest[i]

    def _tested(self, i: int) -> tuple[tuple[Point, Point] | None, bool] | None:
        request, limits = self.request, self.limits
        ring = self.tried[i][0]
        box, padded = tuple(self.boxes[i].tolist()), tuple(self.padded[i].tolist())
        if self.route.touches(padded):
            return None
        # The dearest test: no other symbol as near the label as its own.
        if limits is not None and _nearer_rival(request.anchor, box, limits.rivals, request.clearance, RIVAL_MARGIN if ring > 0 else 1.0):
            return None
        if ring == 0:
            return None, False
        leader = _leader(request, box)
        if _segment_hits_any((*leader[0], *leader[1]), self.leader_blocked, request.anchor):
            return None
        return leader, self.route.crosses((*leader[0], *leader[1]))

    def first_free(self, placed: list[Placed], placed_boxes: np.ndarray, strict: bool) -> Placed | None:
        """The first candidate that also clears the labels placed so far (``placed_boxes``: their boxes, m × 4)."""
        order = self.open
        if len(placed_boxes) and len(order):
            candidates = self.padded[order]
            w = np.minimum(placed_boxes[None, :, 2], candidates[:, None, 2]) - np.maximum(placed_boxes[None, :, 0], candidates[:, None, 0])
            h = np.minimum(placed_boxes[None, :, 3], candidates[:, None, 3]) - np.maximum(placed_boxes[None, :, 1], candidates[:, None, 1])
            order = order[~((w > 0) & (h > 0)).any(axis=1)]
        leaders = [(*p.leader[0], *p.leader[1]) for p in placed if p.leader is not None]
        for i in order.tolist():
            rest = self.rest(i)
            if rest is None:
                continue
            padded = tuple(self.padded[i].tolist())
            if any(segment_hits_box(other, padded) for other in leaders):
                continue
            leader, crosses = rest
            ring, variant, side = self.tried[i]
            box = tuple(self.boxes[i].tolist())
            if leader is None:
                return Placed(self.request.key, box, side, None, variant)
            if strict and crosses:
                continue
            if any(segment_hits_box((*leader[0], *leader[1]), _grow(other.box, -0.5)) for other in placed):
                continue
            return Placed(self.request.key, box, side, leader, variant)
        return None


def _segment_hits_any(segment: Sequence[float], boxes: np.ndarray, anchor: Point) -> bool:
    """Whether the segment meets any of ``boxes`` (n × 4) shrunk by half a unit, but one holding ``anchor`` (the label's own symbol).

    :func:`segment_hits_box` for each, only where the segment's bounds reach the box: a leader is
    tested against every symbol near its label (thousands of events' symbols in a large data set).
    """
    if not len(boxes):
        return False
    x0, y0, x1, y1 = segment
    ax, ay = anchor
    shrunk = boxes + np.array([0.5, 0.5, -0.5, -0.5])
    near = (shrunk[:, 0] <= max(x0, x1)) & (shrunk[:, 2] >= min(x0, x1)) & (shrunk[:, 1] <= max(y0, y1)) & (shrunk[:, 3] >= min(y0, y1))
    near &= ~((boxes[:, 0] <= ax) & (ax <= boxes[:, 2]) & (boxes[:, 1] <= ay) & (ay <= boxes[:, 3]))
    return any(segment_hits_box(segment, tuple(box)) for box in shrunk[near].tolist())


def _attempt(order: list[LabelRequest], first_free: Callable[[LabelRequest, list[Placed], bool], Placed | None],
             strict_leaders: bool = True) -> tuple[list[Placed], list[str]]:
    """One layout: each label in ``order`` at its first free candidate (``first_free``, given those placed before it)."""
    placed: list[Placed] = []
    dropped: list[str] = []
    for request in order:
        choice = None
        # A leader across a route line reads as part of it: tried only when nothing else is free.
        for strict in (True, False) if strict_leaders else (False,):
            choice = first_free(request, placed, strict)
            if choice is not None:
                break
        if choice is None:
            dropped.append(request.key)
        else:
            placed.append(choice)
    return placed, dropped


def conflicts(labels: Sequence[Box], symbols: Sequence[Box] = (), lines: Iterable[np.ndarray] = (), tolerance: float = 0.5) -> list[str]:
    """What breaks the rule among laid-out boxes: label over label, over a symbol, over a route line."""
    problems = []
    shrink = [_grow(b, -tolerance) for b in labels]
    for i, a in enumerate(shrink):
        for j in range(i + 1, len(shrink)):
            if overlap(a, shrink[j]) > 0:
                problems.append(f"label {i} overlaps label {j}")
        for k, s in enumerate(symbols):
            if overlap(a, s) > 0:
                problems.append(f"label {i} overlaps symbol {k}")
    route = _Lines(lines)
    for i, a in enumerate(shrink):
        if route.touches(a):
            problems.append(f"label {i} crosses a route line")
    return problems
