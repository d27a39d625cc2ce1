"""Reading one uploaded file in a worker process with a memory cap (issue #26).

Why a process: the Streamlit server runs every session's script in a thread
of one process. A reader busy in Python holds the interpreter lock, so one
analyst's slow file stalled every other session's slider (up to 8.9 s), and
its memory was the server's. Here the file is read by
:func:`rkmap.data.user_data.load_user_file` in a separate process; the session's
thread waits on a pipe (the lock released) and the other sessions run on.

Why a fresh process per file, started by a fork server: a worker that dies
(killed, out of memory) takes no other session's load with it, and the fork
server is a small process that imported the loader once, so a file's worker
starts in about 0.1 s here without copying the Streamlit server's threads.
The fork server starts when a session opens the "Your data" panel (or with its first
upload, whichever comes first: :func:`start_worker_server`), so its imports (about 2 s of
CPU, at a lower priority) run while the analyst picks a file rather than after the
upload: started with the app server, it took CPU from the first visitor's map
(rkmap/app/server_start.py). Its workers
skip multiprocessing's re-import of ``__main__`` (rkmap/data/_worker_prelude.py:
under ``streamlit run`` that is the page script). The fork server is
multiprocessing's one per process: anything else that used the "forkserver"
context in the app would share it and that prelude.

Its data segment is capped (``RLIMIT_DATA``, MAP_USER_LOAD_MB, see
rkmap/data/budgets.py): past it an allocation fails with MemoryError in the
worker, which the loader turns into a message naming the file and the budget;
a worker that dies without an answer gets the same kind of message. Its wall
time is bounded too (MAP_USER_LOAD_SECONDS): then it is stopped.

The result (UserData: pandas frames) comes back pickled through the pipe from
our own process, never from anything a user sent. It is pickled with its
arrays' buffers out of band (pickle protocol 5) and each buffer written to the
pipe as it is: pickled in band, a million-row answer was copied whole into
one bytes object in the worker (about 0.6 GB on top of the rows). The file's
bytes go to the worker through a pipe too, not as an argument of the process
(which it would keep to the end), so they are freed once they are read into
columns (:func:`rkmap.data.user_data.load_user_file_taking`), and the server
lets go of them once they are sent (:func:`load_in_worker_taking`; the panel
keeps the file compressed, :class:`KeptFile`, to read it again).

``MAP_USER_LOAD_WORKER=0`` reads in the calling process instead (no cap, no
isolation), for a platform without fork servers; the command line
(``python -m rkmap --data``) reads in its own process, one user's.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import pickle
import resource
import threading
import time
from collections.abc import Callable, Collection
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection

import pandas as pd
import pyarrow as pa

from rkmap.data import budgets as _budgets
from rkmap.data._priority import lower_priority, niceness
from rkmap.data.user_data import LoadOptions, UserData, _nothing, load_user_file_taking

WORKER_ENV = "MAP_USER_LOAD_WORKER"
POLL_S = 0.25  # how often the waiting session hears the elapsed time
# Imported by the fork server before it forks: the readers import these lazily, and a worker
# under its cap can fail to map a library's segments (an ImportError, not a MemoryError).
PRELOAD = ("rkmap.data._worker_prelude", "rkmap.data.user_data", "pyarrow", "pyarrow.csv", "pyarrow.compute", "pyarrow.parquet", "pyproj", "shapely", "geopandas", "geopandas.io.arrow")
_LOCK = threading.Lock()
_CONTEXT: multiprocessing.context.BaseContext | None = None


def worker_enabled() -> bool:
    return os.environ.get(WORKER_ENV, "1").strip().lower() not in ("0", "false", "no", "off")


def _context() -> multiprocessing.context.BaseContext:
    """The fork server's context, told once to import the loader before it forks (so each worker starts with it)."""
    global _CONTEXT
    with _LOCK:
        if _CONTEXT is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(list(PRELOAD))
            _CONTEXT = context
        return _CONTEXT


def start_worker_server() -> None:
    """Start the fork server now, ahead of a first upload (the "Your data" panel opened, an upload, the benchmarks,
    the start-up's comparison switch); nothing if it runs. Returns at once: its imports run in its own process."""
    if worker_enabled():
        from multiprocessing import forkserver

        _context()
        forkserver.ensure_running()


def _cap(megabytes: int) -> None:
    """Cap the data segment (heap and private anonymous mappings: what pandas and pyarrow allocate).

    Not RLIMIT_AS: it counts address space only reserved (thread stacks, the
    allocators' arenas), which a process with numpy and pyarrow has plenty of.
    """
    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _child(conn: Connection, files: Connection, name: str, known: frozenset[str], options: LoadOptions | None, megabytes: int, nice: int) -> None:
    """The worker: lower its priority, cap, take the file from ``files``, read it, send the UserData back (or why there is none)."""
    try:
        held = [_take_file(files)]  # before the cap, as a process's arguments are: the file's size has its own limit
        files.close()
        _budgets.MAX_LOAD_MB = megabytes  # the caller's budget, named in the messages as the one enforced
        lower_priority(nice)  # the fork server's already (rkmap/data/_worker_prelude.py); not when run otherwise
        _cap(megabytes)
        data = load_user_file_taking(name, held, known, options)  # the only reference: freed once the file is read into columns
        try:
            _send(conn, data)
        except MemoryError:  # the answer itself does not fit under the cap (raised before a byte of it is sent)
            _send(conn, _refused(name, _budgets.out_of_memory()))
    finally:
        conn.close()


def _arrow_column(cls: type, state: dict) -> object:
    """A pandas Arrow-backed array rebuilt from its attributes as :class:`_Pickler` sent them (its chunks as they were)."""
    column = cls.__new__(cls)
    column.__dict__.update(state)
    return column


class _Pickler(pickle.Pickler):
    """Pandas' own pickling of an Arrow-backed column joins its chunks into one new array first (``combine_chunks``).

    For a CSV read in blocks that copied most of the answer's text in the
    worker before a byte was sent; and columns that shared one array (the
    fields a file does not give share one column of '') were each sent, and
    held in the server, as copies. Here the column's chunked array is pickled
    as it is: its buffers go out of band, and an array shared by several
    columns is sent once (pickle's memo) and stays shared in the server.
    """

    def reducer_override(self, obj: object) -> object:
        if isinstance(obj, pd.arrays.ArrowExtensionArray):
            return _arrow_column, (type(obj), {**obj.__dict__, "_cache": {}})
        return NotImplemented


def _write(conn: Connection, data: bytes | memoryview) -> None:
    """``data``'s bytes written to the pipe as they lie, with no framing: the reader was sent their size first.

    Not ``send_bytes``/``recv_bytes``: the receiving end of those reads into a new
    bytes object per read of the pipe (64 KB) sized for all that is still to
    come, then copies it twice; a million-row answer took 1.8 s to arrive.
    """
    view = memoryview(data).cast("B")
    fd = conn.fileno()
    while view.nbytes:
        view = view[os.write(fd, view) :]


def _read_into(conn: Connection, buffer: bytearray) -> None:
    """``buffer`` filled from the pipe (what :func:`_write` wrote), read straight into it."""
    view = memoryview(buffer)
    fd = conn.fileno()
    while view.nbytes:
        got = os.readv(fd, [view])
        if not got:
            raise EOFError("the pipe closed before its bytes came")
        view = view[got:]


def _give_file(conn: Connection, content: bytes) -> None:
    """The file's bytes to the worker (:func:`_take_file`)."""
    conn.send(len(content))
    _write(conn, content)


def _take_file(conn: Connection) -> bytes:
    """What :func:`_give_file` sent, read into one bytes object (a buffered read fills it in place)."""
    size = conn.recv()
    with open(conn.fileno(), "rb", closefd=False) as pipe:
        content = pipe.read(size)
    if len(content) != size:
        raise EOFError("the pipe closed before the file came")
    return content


def _send(conn: Connection, data: UserData) -> None:
    """``data`` pickled with its buffers out of band: the sizes, the pickle, then each buffer as it lies in memory."""
    buffers: list[pickle.PickleBuffer] = []
    out = io.BytesIO()
    _Pickler(out, protocol=5, buffer_callback=buffers.append).dump(data)
    head = out.getbuffer()
    views = [b.raw() for b in buffers]
    conn.send([len(head), *(v.nbytes for v in views)])
    for view in (head, *views):
        _write(conn, view)


def _receive(conn: Connection) -> UserData:
    """What :func:`_send` wrote. Each buffer lands in a bytearray of its own: writable, as the frames' arrays were."""
    sizes = conn.recv()
    parts = []
    for size in sizes:
        part = bytearray(size)
        _read_into(conn, part)
        parts.append(part)
    return pickle.loads(parts[0], buffers=parts[1:])


@dataclass(frozen=True)
class KeptFile:
    """An added file's bytes, kept in its session's memory (never on disk) to read it again with another mapping.

    Compressed (zstd, in Arrow's C++, the interpreter lock released): a
    200 MB CSV is some 25 MB, and the server does not hold the file's bytes
    beside the rows read from them.
    """

    packed: bytes
    size: int

    @classmethod
    def of(cls, content: bytes) -> KeptFile:
        return cls(_codec().compress(content, asbytes=True), len(content))

    @classmethod
    def compressing(cls, content: bytes) -> Future[KeptFile]:
        """:meth:`of` in a thread of its own (zstd releases the interpreter lock): the panel compresses while the worker reads.

        The thread holds ``content`` until it is compressed, then lets go of it.
        """
        future: Future[KeptFile] = Future()

        def compress() -> None:
            try:
                future.set_result(cls.of(content))
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for the result
                future.set_exception(exc)

        threading.Thread(target=compress, name="kept-file", daemon=True).start()
        return future

    def content(self) -> bytes:
        return _codec().decompress(self.packed, decompressed_size=self.size, asbytes=True)


def _codec() -> pa.Codec:
    return pa.Codec("zstd", compression_level=1)


def _refused(name: str, why: str) -> UserData:
    return _nothing(os.path.basename(name) or "upload", f"{why} Nothing loaded.")


def load_in_worker(
    name: str,
    content: bytes,
    known_places: Collection[str] = (),
    options: LoadOptions | None = None,
    progress: Callable[[float], None] | None = None,
) -> UserData:
    """:func:`rkmap.data.user_data.load_user_file` in a worker process; never raises.

    ``progress`` is called with the seconds elapsed about every POLL_S while the
    worker reads (the panel shows them).
    """
    return load_in_worker_taking(name, [content], known_places, options, progress)


def load_in_worker_taking(
    name: str,
    held: list[bytes],
    known_places: Collection[str] = (),
    options: LoadOptions | None = None,
    progress: Callable[[float], None] | None = None,
) -> UserData:
    """:func:`load_in_worker` of the bytes in ``held``, which it takes out of that list: let go once the worker has them."""
    if not worker_enabled():
        return load_user_file_taking(name, held, known_places, options)
    content = held.pop()
    context = _context()
    receive, send = context.Pipe(duplex=False)
    file_in, file_out = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(send, file_in, name, frozenset(known_places), options, _budgets.MAX_LOAD_MB, niceness()), daemon=True)
    start = time.monotonic()
    try:
        process.start()
    except OSError as exc:  # no process could be started: say so, the server goes on
        for end in (receive, send, file_in, file_out):
            end.close()
        return _refused(name, f"could not be read: no worker process could be started ({exc.strerror or exc}).")
    send.close()  # the worker holds the only writing end: its exit is an end of file here
    file_in.close()
    try:
        try:
            _give_file(file_out, content)  # the worker reads it at once
        except OSError:  # the worker ended before it took the file (a broken pipe): said below, as any worker that ends without an answer
            pass
        finally:
            file_out.close()
            del content  # the worker has the file: not held here while it reads and answers
        while not receive.poll(POLL_S):
            elapsed = time.monotonic() - start
            if elapsed > _budgets.MAX_LOAD_SECONDS:
                process.kill()
                return _refused(name, _budgets.too_slow())
            if progress is not None:
                progress(elapsed)
        try:
            return _receive(receive)
        except (EOFError, OSError):  # the worker ended without an answer: killed, or out of memory outside Python
            process.join(5)
            return _refused(name, f"{_budgets.out_of_memory()} (The reading process stopped, exit code {process.exitcode}.)")
    finally:
        receive.close()
        process.join(5)
        if process.is_alive():
            process.kill()
            process.join(5)
