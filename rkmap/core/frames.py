"""The map's fixed frames: each a key, its names in both languages and its box (degrees)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    key: str  # its name: rkmap/core/messages.py frame_<key>
    west: float
    south: float
    east: float
    north: float


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        Region("route", 30.0, 36.0, 154.0, 62.0),
        Region("far_east", 122.0, 37.5, 140.5, 53.5),
        Region("rajin_dunai", 129.6, 41.8, 133.2, 43.5),
    )
}
