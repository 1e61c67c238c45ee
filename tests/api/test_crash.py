"""kill -9 the server while jobs run and wait; after a restart every accepted job completes exactly once."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from api.store import jobs, keys
from api.store.db import Database, migrate
from api.store.tables import AnalysisRow, Job

pytestmark = pytest.mark.model
EXAMPLE = Path(__file__).parents[2] / "examples" / "zoom.vtt"
JOBS = 12


def _serve(data_dir: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "BALANCE_DATA_DIR": str(data_dir), "BALANCE_ENVIRONMENT": "test", "BALANCE_JOB_LEASE_SECONDS": "2",
           "BALANCE_WORKER_POLL_SECONDS": "0.05", "HF_HUB_OFFLINE": "1"}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.serve:app", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    raise AssertionError("server did not become ready in 60 s")


def _statuses(db: Database) -> dict[str, int]:
    with db.session() as session:
        return jobs.counts(session=session)


def test_kill_9_loses_no_job_and_doubles_none(tmp_path):
    db = Database(f"sqlite:///{(tmp_path / 'balance.db').resolve()}")
    migrate(db.engine)
    with db.session() as session:
        auth = {"Authorization": f"Bearer {keys.create_key(session=session, org='acme', name='crash')[1]}"}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = _serve(tmp_path, port)
    try:
        accepted = [httpx.post(f"http://127.0.0.1:{port}/v1/transcripts", headers=auth, timeout=30,
                               files={"file": ("z.vtt", EXAMPLE.read_bytes())}) for _ in range(JOBS)]
        assert [a.status_code for a in accepted] == [202] * JOBS
        deadline = time.monotonic() + 30
        while _statuses(db).get("running", 0) == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        at_kill = _statuses(db)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
    finally:
        server.kill()
    assert at_kill.get("running") == 1 and at_kill.get("queued", 0) >= 1, at_kill
    with db.session() as session:
        interrupted = session.scalars(select(Job.id).where(Job.status == "running")).all()

    server = _serve(tmp_path, port)
    try:
        deadline = time.monotonic() + 90
        while _statuses(db).get("done", 0) < JOBS and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)
    assert _statuses(db) == {"done": JOBS}
    with db.session() as session:
        rows = session.scalars(select(AnalysisRow)).all()
        assert sorted(r.job_id for r in rows) == sorted(a.json()["job_id"] for a in accepted)
        assert [session.get(Job, j).attempts for j in interrupted] == [2] * len(interrupted)
