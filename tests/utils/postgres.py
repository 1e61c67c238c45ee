"""A throwaway PostgreSQL server on 127.0.0.1 for the storage tests, from Debian's postgresql package."""

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

INSTALL_HINT = "Debian's PostgreSQL server is needed: `make test` installs it, or run `apt-get install -y postgresql`."


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.fail(f"No PostgreSQL server binaries under /usr/lib/postgresql. {INSTALL_HINT}")
    return Path(found[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def postgres_server() -> Iterator[str]:
    """Start a server in a temp folder (as the `postgres` user when we are root, which initdb refuses) and yield its URL."""
    bindir, port = _bindir(), _free_port()
    base = Path(tempfile.mkdtemp(prefix="balance-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(base, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]

    def run(*args: str) -> None:
        result = subprocess.run([*as_user, *args], capture_output=True, text=True, timeout=120)
        if result.returncode:
            pytest.fail(f"{args[0]} failed: {result.stderr or result.stdout}")

    try:
        run(str(bindir / "initdb"), "-D", str(base / "data"), "-U", "postgres", "-A", "trust", "--no-sync")
        options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(str(bindir / "pg_ctl"), "-D", str(base / "data"), "-o", options, "-l", str(base / "log"), "-w", "start")
        try:
            yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(base / "data"), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)
