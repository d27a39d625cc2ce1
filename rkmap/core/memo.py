"""Values derived once per dataset object (datasets are immutable and shared)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_values: dict[tuple[int, str], tuple[weakref.ref, object]] = {}


def memo(owner: object, key: str, build: Callable[[], T]) -> T:
    """``build()`` the first time for this owner and key; the same value afterwards."""
    cached = _values.get((id(owner), key))
    if cached and cached[0]() is owner:
        return cached[1]  # type: ignore[return-value]
    value = build()
    _values[(id(owner), key)] = (weakref.ref(owner), value)
    # Forget the value with its owner (per-session datasets come and go).
    weakref.finalize(owner, _values.pop, (id(owner), key), None)
    return value
