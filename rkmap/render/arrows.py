"""Where the route's direction arrows go: one placement for the interactive map and the exported images."""

from __future__ import annotations

import math

import numpy as np


def arrows_along(xs: np.ndarray, ys: np.ndarray, per_leg: int = 4) -> list[tuple[float, float, float]]:
    """``per_leg`` arrows evenly spaced along a projected line (y north): (x, y, angle in degrees, counter-clockwise from east)."""
    seg = np.hypot(np.diff(xs), np.diff(ys))
    total = float(seg.sum())
    if total == 0:
        return []
    cumulative = np.concatenate([[0.0], np.cumsum(seg)])
    arrows = []
    for k in range(per_leg):
        target = total * (k + 0.5) / per_leg
        i = int(min(np.searchsorted(cumulative, target, side="right") - 1, len(seg) - 1))
        while seg[i] == 0 and i > 0:
            i -= 1
        f = (target - cumulative[i]) / seg[i] if seg[i] else 0.0
        x = xs[i] + f * (xs[i + 1] - xs[i])
        y = ys[i] + f * (ys[i + 1] - ys[i])
        arrows.append((float(x), float(y), math.degrees(math.atan2(ys[i + 1] - ys[i], xs[i + 1] - xs[i]))))
    return arrows
