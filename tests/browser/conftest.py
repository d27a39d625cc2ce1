"""Real-browser tests: one Streamlit server and one Debian Chromium for the whole run.

Every test gets a fresh browser context (its own cache and Streamlit session) and
page at 1600x1200. Run with ``python -m pytest -q tests/browser``; select or
deselect them with ``-m browser`` / ``-m "not browser"``.

Without Chromium the tests are skipped, except in CI (env var ``CI`` set and not
``0``/``false``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.browser import chromium, running_app

REPO_DIR = Path(__file__).resolve().parents[2]


VIEWPORT = {"width": 1600, "height": 1200}
# Timings the tests observed (label, seconds); printed at the end of the run.
TIMINGS: list[tuple[str, float]] = []


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _have_chromium() -> bool:
    return bool(shutil.which("chromium") or shutil.which("chromium-browser"))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: drives the app in a real (Debian) Chromium via Playwright")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _have_chromium() or _in_ci():
        return
    skip = pytest.mark.skip(reason="Debian chromium is not installed (apt-get install chromium); CI is not set, so browser tests are skipped")
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if TIMINGS:
        terminalreporter.section("browser timings")
        for label, seconds in TIMINGS:
            terminalreporter.write_line(f"{seconds:7.2f} s  {label}")


@pytest.fixture(scope="session")
def app_url() -> Iterator[str]:
    """The base URL of one ``streamlit run serve.py`` (the app as ``make app`` serves it) on a free loopback port."""
    with running_app() as server:
        yield server.url


@pytest.fixture(scope="session")
def chromium_browser() -> Iterator[object]:
    if not _have_chromium():
        # Only reached in CI (otherwise the tests were skipped at collection).
        pytest.fail("CI is set but Debian's chromium is not installed: apt-get install -y chromium", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright, chromium(playwright) as browser:
        yield browser


@pytest.fixture
def context(chromium_browser) -> Iterator[object]:
    """A fresh browser context (no shared cache or cookies) with the test viewport."""
    ctx = chromium_browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(60_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context) -> object:
    return context.new_page()


@pytest.fixture
def timing() -> object:
    """``timing(label, seconds)`` records a measured duration for the summary."""

    def record(label: str, seconds: float) -> None:
        TIMINGS.append((label, seconds))

    return record
