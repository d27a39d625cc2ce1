from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from geodata import DATA_DIR, Dataset, load_dataset

REPO_DIR = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def dataset() -> Dataset:
    data, problems = load_dataset(strict=True)
    assert problems == []
    return data


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data files, for corrupting in tests."""
    target = tmp_path / "geodata"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "README.md"))
    return target


def seeds_dir() -> Path | None:
    """The seed articles: $SEEDS_DIR, or shared/seeds beside or above the checkout."""
    candidates = [os.environ.get("SEEDS_DIR"), REPO_DIR.parent / "shared" / "seeds", REPO_DIR.parent.parent / "shared" / "seeds"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None
