"""Where the checkout's data live: the shipped dataset (geodata/), the served files (static/), secrets.

The package is installed editable (``pip install -e .``) from the checkout, so these are found
beside it; ``MAP_DATA_DIR`` points the app at another folder of the same files.
"""

from __future__ import annotations

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = REPO_DIR / "geodata"
STATIC_DIR = REPO_DIR / "static"
SECRETS_FILE = REPO_DIR / ".streamlit" / "secrets.toml"
# What the app server keeps between its starts (rkmap/render/label_store.py); never served.
SERVER_CACHE_DIR = REPO_DIR / ".cache"
