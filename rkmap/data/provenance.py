"""What an item's facts rest on: the seed articles, the public record, or an analyst's own data.

Derived from the citations (``citations.csv`` and per-row sources), never stored:

* ``seeds`` — at least one of the item's citations is a seed article
  (``sources.kind == 'seed'``); the seeds stay the primary source for what
  they cover, and public sources cited beside them fill in days or places.
* ``public_record`` — a shipped item none of whose citations is a seed: every
  fact comes from named public sources (news reports, government statements,
  gazetteers), gathered as ``geodata/README.md`` describes.
* ``convention`` — cited only by this project's display convention (the
  area symbols for "Russia", "North Korea"…): no fact, only a way to draw one.
* ``user`` — an analyst's own data (``user1:…`` ids, sources of kind ``user``).
* ``none`` — no citation at all (the loader refuses such shipped items).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from rkmap.core.memo import memo
from rkmap.data.citation_index import Cited, cited, cited_items

if TYPE_CHECKING:
    from rkmap.data.loading import Dataset

Basis = Literal["seeds", "public_record", "convention", "user", "none"]


def bases_of(dataset: Dataset, items: pd.Series, found: Cited) -> np.ndarray:
    """The basis of each of ``items`` (``found``: their :func:`cited`), column-wise: no Python work per item."""
    kinds = dict(zip(dataset.sources["id"].astype(str), dataset.sources["kind"].astype(str)))
    of_name = np.array([kinds.get(name, "") for name in found.names.tolist()], dtype=object)
    pair_rows, pair_kinds = found.pair_rows(), of_name[found.codes]

    def any_pair(kind_set: set[str], inside: bool = True) -> np.ndarray:
        hits = np.isin(pair_kinds, list(kind_set)) == inside
        return np.bincount(pair_rows[hits], minlength=len(found)) > 0

    user_id = items.reset_index(drop=True).astype(str).str.contains("^[^:]*:user", regex=True).to_numpy(dtype=bool)
    choice = np.select(
        [np.diff(found.source_offsets) == 0, any_pair({"seed"}), user_id | any_pair({"public", "gazetteer", "dataset"}, inside=False), any_pair({"public", "gazetteer"})],
        [0, 1, 2, 3],
        4,
    )
    return _BASES[choice]  # five shared strings, not one per item


_BASES = np.array(["none", "seeds", "user", "public_record", "convention"], dtype=object)


def bases(dataset: Dataset) -> dict[str, Basis]:
    """item -> its basis, for every item that has a citation or a per-row source."""

    def build() -> dict[str, Basis]:
        items, found = cited_items(dataset)
        return dict(zip(items.tolist(), bases_of(dataset, items, found).tolist()))

    return memo(dataset, "bases-by-item", build)


def basis(dataset: Dataset, item: str) -> Basis:
    """The basis of one item (``place:ID``, ``event:ID`` or ``leg:ID``)."""
    items = pd.Series([item])
    return bases_of(dataset, items, cited(dataset, items))[0]


def public_record_items(dataset: Dataset) -> list[str]:
    """Items whose every fact comes from the public record, not the seeds (sorted)."""
    return sorted(item for item, b in bases(dataset).items() if b == "public_record")
