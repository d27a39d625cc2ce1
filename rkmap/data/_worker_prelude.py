"""Imported by the upload-reading fork server only (first of rkmap.data.load_worker.PRELOAD), never by the app.

A process started by multiprocessing re-imports the parent's ``__main__``
first. In a Streamlit server ``__main__`` is the page script (app.py) while
a script runs, so each worker ran the whole page (slowly, with "missing
ScriptRunContext" warnings). The workers need nothing of ``__main__`` (their
function is rkmap.data.load_worker._child), so in the fork server, whose children
inherit it, that step does nothing.

It also lowers the fork server's CPU priority first thing (MAP_USER_LOAD_NICE,
rkmap/data/load_worker.py), before it imports pyarrow, pyproj and geopandas:
those imports then do not slow the first page a new server shows, and each
worker inherits the lower priority.
"""

from multiprocessing import spawn

from rkmap.data._priority import lower_priority, niceness

lower_priority(niceness())


def _no_main(*_args: object) -> None:
    return None


spawn._fixup_main_from_path = _no_main
spawn._fixup_main_from_name = _no_main

