"""A throwaway PostgreSQL + PostGIS server for the tests and the benchmark.

:func:`throwaway_server` runs ``initdb`` into a temporary folder, starts
``postgres`` on a free loopback port (its socket in the same folder) and
removes everything afterwards. As root it runs the server as the ``postgres``
user (PostgreSQL refuses to run as root). Nothing is downloaded: it uses the
Debian packages ``postgresql`` and ``postgresql-15-postgis-3`` (or any
PostgreSQL whose ``initdb`` is on ``PATH`` or under ``/usr/lib/postgresql``).

:func:`missing_reason` says, without starting anything, why no server can be
started here (``None`` when one can).

Command line (``python -m devtools.postgres check``) prints that reason; exit
status 0 when PostgreSQL and PostGIS are installed, 1 otherwise.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from devtools.browser import free_port

SERVER_USER = "postgres"  # the OS user the server runs as when we are root
DB_USER = "postgres"  # the database superuser initdb creates
INSTALL_HINT = "apt-get install -y postgresql postgresql-15-postgis-3"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    folder: Path

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{DB_USER}@{self.host}:{self.port}/{database}"


def _bindir() -> Path | None:
    """Where ``initdb``, ``pg_ctl`` and ``pg_config`` are: PATH first, then Debian's newest version."""
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: _version_key(p.parent.parent.name), reverse=True)
    return versions[0].parent if versions else None


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in name.split(".") if part.isdigit())


def _sharedir(bindir: Path) -> Path | None:
    pg_config = bindir / "pg_config"
    if not pg_config.exists():
        return None
    result = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, check=False)
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def missing_reason() -> str | None:
    """Why no PostGIS server can be started here, or ``None`` when one can."""
    bindir = _bindir()
    if bindir is None:
        return f"PostgreSQL is not installed (no initdb on PATH nor under /usr/lib/postgresql): {INSTALL_HINT}"
    sharedir = _sharedir(bindir)
    if sharedir is None:
        return f"PostgreSQL at {bindir} has no pg_config to locate its extensions: {INSTALL_HINT}"
    if not (sharedir / "extension" / "postgis.control").exists():
        return f"PostGIS is not installed for the PostgreSQL at {bindir}: {INSTALL_HINT}"
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return "running as root, but 'runuser' (util-linux) is missing to run the server as the postgres user"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root, but there is no '{SERVER_USER}' OS user to run the server as (the postgresql package creates it)"
    return None


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(_as_server_user(command), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout).strip()[-1500:]}")


@contextlib.contextmanager
def throwaway_server(timeout_s: float = 60) -> Iterator[Server]:
    """A fresh PostgreSQL cluster on 127.0.0.1 and a free port; stopped and deleted afterwards."""
    reason = missing_reason()
    if reason:
        raise RuntimeError(reason)
    bindir = _bindir()
    assert bindir is not None
    folder = Path(tempfile.mkdtemp(prefix="map-pg-"))
    data = folder / "data"
    if os.geteuid() == 0:
        shutil.chown(folder, SERVER_USER, SERVER_USER)
    port = free_port()
    started = False
    try:
        _run([str(bindir / "initdb"), "-D", str(data), "-U", DB_USER, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], "initdb")
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "server.log"), "-w", "-t", str(int(timeout_s)), "start"], "pg_ctl start")
        started = True
        _wait_ready(bindir, port, timeout_s)
        yield Server("127.0.0.1", port, folder)
    finally:
        if started:
            subprocess.run(_as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_ready(bindir: Path, port: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while subprocess.run([str(bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)], capture_output=True, check=False).returncode != 0:
        if time.monotonic() > deadline:
            raise TimeoutError(f"PostgreSQL did not accept connections on 127.0.0.1:{port} within {timeout_s:.0f} s")
        time.sleep(0.2)


def create_database(server: Server, name: str, *, template: str | None = None, postgis: bool = True) -> str:
    """Create database ``name`` (a copy of ``template`` if given) with PostGIS; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.url(), autocommit=True) as conn:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        conn.execute(statement)
    url = server.url(name)
    if postgis and not template:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return url


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["check"]:
        print("usage: python -m devtools.postgres check", file=sys.stderr)
        return 2
    reason = missing_reason()
    print(reason or "PostgreSQL and PostGIS are installed")
    return 1 if reason else 0


if __name__ == "__main__":
    raise SystemExit(main())
