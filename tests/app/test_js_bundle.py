"""The map component's JavaScript: the committed bundle is the build of the sources, and eslint passes.

The map component's module, rkmap/app/deck_map_assets/deck_map.js, is built by esbuild from the ES modules
in rkmap/app/*.js (``make js``) and committed, so the app runs without Node.js. These
tests rebuild it with the pinned esbuild (package-lock.json) and run the pinned
eslint. Without Node.js and npm they are skipped, with how to install them (a
failure when CI is set: .ci/run installs both).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import in_ci

REPO = Path(__file__).resolve().parents[2]
BUILT = REPO / "rkmap" / "app" / "deck_map_assets"
INSTALL = ("install Node.js and npm (Debian: apt-get install -y nodejs npm), then run `make js` "
           "(npm ci: the pinned esbuild and eslint from package-lock.json)")


def _unavailable(reason: str) -> None:
    if in_ci():
        pytest.fail(f"{reason}: {INSTALL}")
    pytest.skip(f"{reason}: {INSTALL}")


@pytest.fixture(scope="module")
def node_tools() -> Path:
    """node_modules/.bin with the pinned tools, installed by ``npm ci`` if missing."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        _unavailable("Node.js or npm not found")
    tools = REPO / "node_modules" / ".bin"
    if not ((tools / "esbuild").exists() and (tools / "eslint").exists()):
        done = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            _unavailable(f"npm ci failed (no registry?): {done.stderr.strip()[-300:]}")
    return tools


@pytest.mark.usefixtures("node_tools")
def test_committed_bundle_is_the_build_of_the_sources(tmp_path: Path) -> None:
    done = subprocess.run(["node", "scripts/deckgl_bundle/build.mjs", str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for name in ("deck_map.js", "deck_map-LICENSES.txt"):
        assert (tmp_path / name).read_bytes() == (BUILT / name).read_bytes(), (
            f"rkmap/app/deck_map_assets/{name} is not the build of rkmap/app/*.js: run `make js` and commit it")


def test_eslint_is_clean(node_tools: Path) -> None:
    done = subprocess.run([str(node_tools / "eslint"), "."], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"eslint (make lint-js):\n{done.stdout}{done.stderr}"


def test_the_map_module_sets_no_globals_and_reaches_no_deck_gl_private_but_through_its_adapter() -> None:
    """deck.gl's private API (Deck._onCanvasContextResize, Deck.layerManager) is used in rkmap/app/deck_private.js only."""
    privates = ("_onCanvasContextResize", "layerManager", "window.deck", "globalThis.", "window.__")
    for source in sorted((REPO / "rkmap" / "app").glob("*.js")):
        text = source.read_text(encoding="utf-8")
        for name in privates:
            if name in text:
                assert source.name == "deck_private.js" and not name.startswith(("window", "globalThis")), f"{source.name}: {name}"
