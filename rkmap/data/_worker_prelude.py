"""Imported by the upload-reading fork server only (first of rkmap.data.load_worker.PRELOAD), never by the app.

A process started by multiprocessing re-imports the parent's ``__main__``
first. In a Streamlit server ``__main__`` is the page script (app.py) while
a script runs, so each worker ran the whole page (slowly, with "missing
ScriptRunContext" warnings). The workers need nothing of ``__main__`` (their
function is rkmap.data.load_worker._child), so in the fork server, whose children
inherit it, that step does nothing.
"""

from multiprocessing import spawn


def _no_main(*_args: object) -> None:
    return None


spawn._fixup_main_from_path = _no_main
spawn._fixup_main_from_name = _no_main
