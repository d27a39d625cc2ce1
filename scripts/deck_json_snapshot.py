"""The deck JSON of the shipped data at three dates in each frame (issue #23's check that one layer builder changed nothing).

    python -m scripts.deck_json_snapshot OUT.json             # write the snapshot
    python -m scripts.deck_json_snapshot OUT.json --compare   # compare with a snapshot written before a change

Each case is ``build_deck(...).to_json()`` for a date, frame, language and clock; the
shipped layers' data are static files named by their content's hash, so equal JSON
means equal layer data too.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

DATES = (date(2019, 4, 25), date(2023, 10, 13), date(2025, 6, 1))


def snapshot() -> dict[str, str]:
    from rkmap.data import load_dataset
    from rkmap.render.deck import build_deck
    from rkmap.render.view import REGIONS, MapView

    dataset, _ = load_dataset()
    out = {}
    for day in DATES:
        for region in REGIONS:
            for lang, clock in (("en", "event"), ("ja", "public")):
                view = MapView(as_of=day, region=region, lang=lang, clock=clock)
                out[f"{day}/{region}/{lang}/{clock}"] = build_deck(dataset, view).to_json()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args(argv)
    now = snapshot()
    if not args.compare:
        args.path.write_text(json.dumps(now, indent=0, sort_keys=True))
        print(f"{len(now)} decks written to {args.path}")
        return 0
    before = json.loads(args.path.read_text())
    differ = sorted(k for k in before.keys() | now.keys() if before.get(k) != now.get(k))
    print(f"{len(now)} decks compared: {len(now) - len(differ)} identical, {len(differ)} differ {differ[:5]}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
