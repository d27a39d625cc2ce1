"""What the server does before the first visitor's page runs (serve.py).

A first visit used to wait for the server importing the data modules and
loading the dataset (≈ 0.35 s of its first run at the shipped size, more with
more data). :func:`lifespan` loads the dataset into the page's cache
(rkmap/app/data.py) and builds the map a first visit shows, in a thread as the
server starts, while the browser is still loading Streamlit, and installs the
restart hook. The label placements of earlier starts are read back from disk
(rkmap/render/label_store.py). The uploads' fork server is left to the "Your data" panel's opening (or the first upload).

Measured and removed (docs/performance-decisions.md): ASGI middleware that
put the deck.gl preload into the HTML page Streamlit serves, or named the map's
module in a ``Link`` header; the map's module asked for by the page's first
element; freezing the heap after loading (Streamlit's collection after every
run is off instead: ``runner.postScriptGC`` in .streamlit/config.toml).

None changes what the page shows. ``streamlit run app.py`` still works; it
only does without them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from rkmap.app.bench_off import off

LOGGER = logging.getLogger(__name__)


# Set once the start-up's warming is over (or was never started): a page's first run waits for it
# (:func:`wait_for_warm_up`) rather than build the same map beside it, twice the work on two cores.
_warm = threading.Event()
_warm.set()


def warm_data() -> None:
    """Import the data modules, load the dataset into the page's cache and build the map a first visit shows.

    The default view's map (English, the whole route, the last date) is built
    into the dataset's memo (rkmap/core/memo.py): its country outlines, hatch and
    label placements, most of a first run, are then ready when the page asks.
    A failure is left to the page: it reports a bad configuration, an unreachable
    database or broken files on its run, in the reader's language; here they are only logged.
    """
    try:
        from rkmap.app.data import load_cached
        from rkmap.data import resolve_source

        source = resolve_source()
        dataset, _problems = load_cached(source.cache_key, source)
        from rkmap.render.areas import area_outlines_world

        area_outlines_world()  # the countries' outlines, made valid once: every first map draws some
        if not off("warm_map"):
            from rkmap.app.story import story_steps
            from rkmap.render.deck import build_deck
            from rkmap.render.view import MapView, date_span

            build_deck(dataset, MapView(as_of=date_span(dataset)[1]))  # init_state's defaults (rkmap/app/controls.py)
            story_steps(dataset)
    except Exception as exc:  # noqa: BLE001 - the page's own run says what went wrong
        LOGGER.info("Data not loaded at start-up (the page will say why): %s", exc)
    finally:
        _warm.set()


def wait_for_warm_up(timeout_s: float = 60.0) -> None:
    """Wait while the start-up builds what the first run needs (nothing to wait for once done, or without serve.py)."""
    _warm.wait(timeout_s)


def _start_up() -> None:
    from rkmap.core.paths import SERVER_CACHE_DIR
    from rkmap.render import label_store
    from rkmap.render.static_files import clean_cache_at_start

    if not off("label_store"):
        label_store.use(SERVER_CACHE_DIR / "label-sets")  # the labels placed at an earlier start, for the same data and code

    clean_cache_at_start()  # issue #26: no leftover of a session's data, and the folder within its bound
    # The uploads' fork server (issue #26) starts when the "Your data" panel is opened (rkmap/data/load_worker.py):
    # its imports, over a second of CPU in a process of its own, slowed a first visitor's map and
    # first slider steps when it started with the server (docs/performance-decisions.md).
    if off("late_fork_server"):
        from rkmap.data.load_worker import start_worker_server

        start_worker_server()
    if not off("warm_data"):
        warm_data()


@asynccontextmanager
async def lifespan(app: object) -> AsyncIterator[None]:
    """st.App's start-up hook: the static cache's clean-up then :func:`warm_data`, in a thread, so the server answers at once."""
    from rkmap.app.restart import install

    install()  # before any page's request: a page open before this start recovers (rkmap/app/restart.py)
    if not off("warm_data"):
        _warm.clear()
    threading.Thread(target=_start_up, name="warm-data", daemon=True).start()
    yield
