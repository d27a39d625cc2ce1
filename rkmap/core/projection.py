"""Web Mercator (EPSG:3857), the one projection of the map, the exported images and the basemap rasters.

Two units of the same projection: metres (the exported images' axes) and the world's width
(deck.gl's screen space: x east from 0 to 1, y growing southward), so that a zoom level is a
power of two of the world's width in 512-px tiles.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

EARTH_RADIUS_M = 6378137.0  # Web Mercator sphere (EPSG:3857)
MAX_LAT = 85.0  # the basemap and deck.gl's world stop about here
_WORLD_M = 2 * math.pi * EARTH_RADIUS_M


def _radian_xy(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    import numpy as np  # here, not at the top: the server's start-up imports the limits above without numpy

    lon = np.asarray(lon, dtype=float)
    lat = np.clip(np.asarray(lat, dtype=float), -MAX_LAT, MAX_LAT)
    return np.radians(lon), np.log(np.tan(np.pi / 4 + np.radians(lat) / 2))


def mercator(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator metres (x east, y north)."""
    x, y = _radian_xy(lon, lat)
    return EARTH_RADIUS_M * x, EARTH_RADIUS_M * y


def inverse_mercator(x: float, y: float) -> tuple[float, float]:
    """Longitude and latitude of Web Mercator metres."""
    lon = math.degrees(x / EARTH_RADIUS_M)
    lat = math.degrees(2 * math.atan(math.exp(y / EARTH_RADIUS_M)) - math.pi / 2)
    return lon, lat


def world_xy(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator in units of the world's width, y growing southward (deck.gl's screen space)."""
    x, y = _radian_xy(lon, lat)
    return float(x / (2 * math.pi) + 0.5), float(0.5 - y / (2 * math.pi))


def world_lonlat(x: float, y: float) -> tuple[float, float]:
    """Longitude and latitude of a point in units of the world's width."""
    return inverse_mercator((x - 0.5) * _WORLD_M, (0.5 - y) * _WORLD_M)


def world_xy_array(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`world_xy` for arrays."""
    x, y = _radian_xy(lon, lat)
    return x / (2 * math.pi) + 0.5, 0.5 - y / (2 * math.pi)


def world_lonlat_array(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`world_lonlat` for arrays."""
    import numpy as np

    lon = (np.asarray(x, dtype=float) - 0.5) * 360
    lat = np.degrees(2 * np.arctan(np.exp((0.5 - np.asarray(y, dtype=float)) * 2 * math.pi)) - math.pi / 2)
    return lon, lat
