"""Write the warm-up deck's JSON (rkmap.render.primitives.warmup_deck_json) to rkmap/app/warmup_deck.json.

The page reads the file rather than building the deck, so the server
starts without pydeck (rkmap/app/deck_bundles.py). Run this after changing a layer
kind in rkmap/render/primitives.py or the place symbols in rkmap/core/style.py;
tests/test_server_start.py fails until the file matches.
"""

from __future__ import annotations

from pathlib import Path

from rkmap.app.deck_bundles import WARMUP_DECK_FILE
from rkmap.render.primitives import warmup_deck_json

REPO_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    WARMUP_DECK_FILE.write_text(warmup_deck_json() + "\n", encoding="utf-8")
    print(f"wrote {WARMUP_DECK_FILE.relative_to(REPO_DIR)}")


if __name__ == "__main__":
    main()
