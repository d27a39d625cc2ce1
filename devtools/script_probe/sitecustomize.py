"""Benchmark probe, loaded by Python at start-up when this folder is on ``PYTHONPATH``.

With ``BENCH_SCRIPT_LOG`` set, every Streamlit script or fragment run appends
"wall_s thread_cpu_s event" to that file, timed inside the server from
``ScriptRunner``'s ``SCRIPT_STARTED`` to its ``SCRIPT_STOPPED_*`` /
``FRAGMENT_STOPPED_*`` event. The app is not modified. Used by
``bench/run.py`` and ``bench/load.py`` through :mod:`devtools.browser`.
"""
import os
import time

_LOG = os.environ.get("BENCH_SCRIPT_LOG")
if _LOG:
    try:
        from streamlit.runtime.scriptrunner import script_runner as _sr
    except Exception:  # noqa: BLE001 - a probe must never stop the app it watches
        _sr = None
    if _sr is not None:
        _init = _sr.ScriptRunner.__init__

        def __init__(self, *args, **kwargs):
            _init(self, *args, **kwargs)
            state = {}

            def on_event(sender, event=None, **_):
                name = getattr(event, "name", str(event))
                if name == "SCRIPT_STARTED":
                    state["t"], state["c"] = time.perf_counter(), time.thread_time()
                elif name.startswith(("SCRIPT_STOPPED", "FRAGMENT_STOPPED")) and "t" in state:  # slider moves rerun a fragment
                    wall, cpu = time.perf_counter() - state.pop("t"), time.thread_time() - state.pop("c")
                    with open(_LOG, "a") as log:
                        log.write(f"{wall:.6f} {cpu:.6f} {name}\n")

            self._script_probe = on_event
            self.on_event.connect(on_event, weak=False)

        _sr.ScriptRunner.__init__ = __init__
