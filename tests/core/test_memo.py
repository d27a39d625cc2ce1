"""rkmap.core.memo: one value per owner and key, forgotten with its owner."""

from __future__ import annotations

import gc

from rkmap.core import memo as memo_module
from rkmap.core.memo import memo


class Owner:
    pass


def test_the_value_is_built_once_and_kept_per_owner_and_key() -> None:
    owner, other = Owner(), Owner()
    calls: list[str] = []
    assert memo(owner, "k", lambda: calls.append("a") or 1) == 1
    assert memo(owner, "k", lambda: calls.append("b") or 2) == 1
    assert memo(other, "k", lambda: calls.append("c") or 3) == 3
    assert memo(owner, "j", lambda: calls.append("d") or 4) == 4
    assert calls == ["a", "c", "d"]


def test_values_go_with_their_owner() -> None:
    owner = Owner()
    memo(owner, "gone", lambda: [1] * 10)
    slot = (id(owner), "gone")
    assert slot in memo_module._values
    del owner
    gc.collect()
    assert slot not in memo_module._values
