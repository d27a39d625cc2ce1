"""The code's shape holds: the layers' import direction, ruff's rules, no dead code, no path hacks.

The same commands run in ``make lint`` (part of ``make test``); here they also fail a plain pytest run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PYTHON_DIRS = ("rkmap", "bench", "scripts", "devtools", "tests")


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if not found:
        pytest.fail(f"{name} is not installed: pip install -e '.[dev]'")
    return found


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)


def test_import_linter_contracts_are_kept() -> None:
    done = _run(_tool("lint-imports"))
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_ruff_is_clean() -> None:
    done = _run(_tool("ruff"), "check", ".")
    assert done.returncode == 0, done.stdout[-4000:]


def test_vulture_finds_no_dead_code() -> None:
    done = _run(_tool("vulture"), "rkmap", "app.py", "serve.py", "bench", "scripts", "devtools", "tests",
                "--exclude", "tests/fixtures", "--min-confidence", "60")
    assert done.returncode == 0, "dead code (or add it to devtools/vulture_whitelist.py with a reason):\n" + done.stdout


def _python_files() -> list[Path]:
    files = [REPO / "app.py", REPO / "serve.py"]
    for folder in PYTHON_DIRS:
        files += [p for p in (REPO / folder).rglob("*.py") if "fixtures" not in p.parts]
    return files


def test_no_sys_path_edits() -> None:
    """The package is installed (pip install -e .); bench/ and devtools/ run as modules from the checkout."""
    offenders = [str(p.relative_to(REPO)) for p in _python_files() if re.search(r"sys\.path\.(insert|append)", p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_every_noqa_gives_its_reason() -> None:
    bare = []
    for path in _python_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = re.search(r"# noqa(: *[A-Z0-9, ]+)?(.*)$", line)
            if match and not re.search(r"\w", match.group(2)):
                bare.append(f"{path.relative_to(REPO)}:{number}")
    assert bare == [], "a noqa needs a reason after it: " + ", ".join(bare)


def test_the_old_top_level_folders_are_gone() -> None:
    """One package: the code lives in rkmap/ (geodata/ keeps only the data files)."""
    assert not any((REPO / name).exists() for name in ("layers", "briefing", "ui"))
    assert sorted(p.name for p in (REPO / "geodata").glob("*.py")) == []
