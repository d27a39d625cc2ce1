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

from rkmap.core.memo import memo
from rkmap.data.citation_index import source_ids_by_item

if TYPE_CHECKING:
    from rkmap.data.loading import Dataset

Basis = Literal["seeds", "public_record", "convention", "user", "none"]


def _kinds(dataset: Dataset) -> dict[str, str]:
    sources = dataset.sources
    return dict(zip(sources["id"].astype(str), sources["kind"].astype(str)))


def bases(dataset: Dataset) -> dict[str, Basis]:
    """item -> its basis, for every item that has a citation or a per-row source."""

    def build() -> dict[str, Basis]:
        kinds = _kinds(dataset)
        out: dict[str, Basis] = {}
        for item, source_ids in source_ids_by_item(dataset).items():
            found = {kinds.get(s, "") for s in source_ids}
            if "seed" in found:
                out[item] = "seeds"
            elif item.partition(":")[2].startswith("user") or any(k not in ("public", "gazetteer", "dataset") for k in found):
                out[item] = "user"
            elif found & {"public", "gazetteer"}:
                out[item] = "public_record"
            else:
                out[item] = "convention"
        return out

    return memo(dataset, "bases-by-item", build)


def basis(dataset: Dataset, item: str) -> Basis:
    """The basis of one item (``place:ID``, ``event:ID`` or ``leg:ID``)."""
    return bases(dataset).get(item, "none")



def public_record_items(dataset: Dataset) -> list[str]:
    """Items whose every fact comes from the public record, not the seeds (sorted)."""
    return sorted(item for item, b in bases(dataset).items() if b == "public_record")
