"""The worker on SQLite and PostgreSQL with the real model: every job ends done once or failed with its reason."""


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
from tests.utils.jobs import wait_for

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
