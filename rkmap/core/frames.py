"""The map's fixed frames: each a key, its names in both languages and its box (degrees)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    key: str
    label_en: str
    label_ja: str
    west: float
    south: float
    east: float
    north: float


REGIONS: dict[str, Region] = {
    r.key: r
    for r in (
        Region("route", "Whole route: Korea to Moscow", "全ルート:朝鮮半島〜モスクワ", 30.0, 36.0, 154.0, 62.0),
        Region("far_east", "Russian Far East and Korea", "ロシア極東と朝鮮半島", 122.0, 37.5, 140.5, 53.5),
        Region("rajin_dunai", "Rajin – Dunai sea leg", "羅津〜ドゥナイ海上区間", 129.6, 41.8, 133.2, 43.5),
    )
}
