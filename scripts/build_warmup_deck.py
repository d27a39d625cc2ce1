"""Write the warm-up deck's JSON (layers.primitives.warmup_deck_json) to ui/warmup_deck.json.

The page shell reads the file rather than building the deck, so the server
starts without pydeck (ui/deck_bundles.py). Run this after changing a layer
kind in layers/primitives.py or the place symbols in layers/style.py;
tests/test_server_start.py fails until the file matches.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
if str(REPO_DIR) not in sys.path:
    sys.path.insert(0, str(REPO_DIR))

from layers.primitives import warmup_deck_json  # noqa: E402
from ui.deck_bundles import WARMUP_DECK_FILE  # noqa: E402


def main() -> None:
    WARMUP_DECK_FILE.write_text(warmup_deck_json() + "\n", encoding="utf-8")
    print(f"wrote {WARMUP_DECK_FILE.relative_to(REPO_DIR)}")


if __name__ == "__main__":
    main()
