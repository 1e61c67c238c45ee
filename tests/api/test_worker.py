"""The worker on SQLite and PostgreSQL with the real model: every job ends done once or failed with its reason."""

import time

import httpx
import pytest

from api.config import Settings
from api.deps import Analyzer
from api.jobs import Processor
from api.metrics import Metrics
from api.store import analyses, jobs
from api.store.tables import AnalysisRow, Job, utcnow
from api.worker import Worker
from pipeline.analyze import AnalysisConfig
from tests.conftest import DATA

pytestmark = pytest.mark.model
FILES = ["zoom.vtt", "teams.vtt", "sample.srt", "otter.txt", "plain.txt", "gong.json", "segments.json"]


@pytest.fixture
def worker(database, nlp, classifier):
    analyzer = Analyzer(nlp=nlp, classifier=classifier, config=AnalysisConfig(), metrics=Metrics())
    with httpx.Client(timeout=5) as http:
        yield Worker(database, Processor(database, analyzer, Settings(environment="test"), http), threads=2,
                     poll_seconds=0.05, lease_seconds=5, backoff_seconds=0)


def _submit(database, raw: bytes, fmt: str = "auto", max_attempts: int = 3) -> str:
    with database.session() as session:
        transcript = analyses.save_transcript(session=session, org="acme", source="upload", format=fmt, raw=raw)
        return jobs.enqueue(session=session, org="acme", kind="analyze", transcript_id=transcript.id,
                            max_attempts=max_attempts).id


def wait_for(database, job_ids: list[str], timeout: float = 60) -> dict[str, Job]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session() as session:
            found = {j: session.get(Job, j) for j in job_ids}
        if all(job.status in ("done", "failed") for job in found.values()):
            return found
        time.sleep(0.1)
    raise AssertionError(f"jobs not finished in {timeout} s: {[(j.id, j.status) for j in found.values()]}")


def test_every_job_lands_once_and_bad_input_fails_with_its_reason(database, worker):
    good = [_submit(database, (DATA / name).read_bytes()) for name in FILES]
    bad = _submit(database, b"\x00\x01\x02 not a transcript")
    worker.start()
    try:
        done = wait_for(database, [*good, bad])
    finally:
        worker.stop()
    assert all(done[j].status == "done" and done[j].attempts == 1 for j in good)
    assert done[bad].status == "failed" and done[bad].attempts == 1, "bad input is not worth a retry"
    assert "binary" in done[bad].last_error.lower()
    with database.session() as session:
        rows = session.query(AnalysisRow).all()
    assert sorted(r.job_id for r in rows) == sorted(good)
    assert {r.id for r in rows} == {done[j].analysis_id for j in good}


def test_a_dead_workers_job_is_taken_over(database, worker):
    job_id = _submit(database, (DATA / "zoom.vtt").read_bytes())
    with database.session() as session:
        jobs.claim(session=session, owner="dead-worker", lease_seconds=30)
        session.get(Job, job_id).lease_until = utcnow()
    assert worker.run_once()
    job = wait_for(database, [job_id])[job_id]
    assert (job.status, job.attempts, job.lease_owner) == ("done", 2, worker.owner)
