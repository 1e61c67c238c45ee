"""Storage functions on SQLite and PostgreSQL: migrations, keys, the job queue's lease rules, org scoping."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.store import analyses, jobs, keys
from api.store.tables import ApiKey, Base, Job, utcnow
from tests.utils.builders import stored_analysis


def test_migrations_match_the_tables(database):
    with database.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_keys_are_stored_hashed_and_revocable(database):
    with database.session() as session:
        key, raw = keys.create_key(session=session, org="acme", name="ci")
    with database.session() as session:
        row = session.scalars(select(ApiKey)).one()
        assert raw not in (row.hash, row.prefix) and len(row.hash) == 64
        assert keys.find_key(session=session, raw=raw).org == "acme"
        assert keys.find_key(session=session, raw=raw + "x") is None
        assert keys.revoke_key(session=session, key_id=key.prefix)
    with database.session() as session:
        assert keys.find_key(session=session, raw=raw) is None
        assert not keys.revoke_key(session=session, key_id=key.id)


def _job(database, **kw) -> str:
    with database.session() as session:
        return jobs.enqueue(session=session, org="acme", kind="analyze", max_attempts=kw.pop("max_attempts", 3), **kw).id


def _claim(database, owner, lease=30.0):
    with database.session() as session:
        return jobs.claim(session=session, owner=owner, lease_seconds=lease)


def test_a_job_is_claimed_by_one_worker_until_its_lease_runs_out(database):
    job_id = _job(database)
    first = _claim(database, "a")
    assert first.id == job_id and first.attempts == 1 and first.status == "running"
    assert _claim(database, "b") is None
    with database.session() as session:
        session.get(Job, job_id).lease_until = utcnow() - dt.timedelta(seconds=1)
    second = _claim(database, "b")
    assert second.id == job_id and second.attempts == 2 and second.lease_owner == "b"
    with database.session() as session:
        assert not jobs.finish(session=session, job=first, owner="a", analysis_id=None)
        assert jobs.fail(session=session, job_id=job_id, owner="a", reason="late", backoff_seconds=0) == "lost"
        assert jobs.finish(session=session, job=second, owner="b", analysis_id=None)
    assert _claim(database, "c") is None


def test_failures_back_off_then_fail_with_the_reason(database):
    job_id = _job(database, max_attempts=2)
    _claim(database, "a")
    with database.session() as session:
        assert jobs.fail(session=session, job_id=job_id, owner="a", reason="boom 1", backoff_seconds=60) == "queued"
    assert _claim(database, "a") is None, "the backoff must hold the job back"
    with database.session() as session:
        session.get(Job, job_id).available_at = utcnow()
    _claim(database, "a")
    with database.session() as session:
        assert jobs.fail(session=session, job_id=job_id, owner="a", reason="boom 2", backoff_seconds=60) == "failed"
        job = jobs.get_job(session=session, org="acme", job_id=job_id)
        assert (job.status, job.attempts, job.last_error) == ("failed", 2, "boom 2")


def test_a_permanent_failure_does_not_retry(database):
    job_id = _job(database, max_attempts=5)
    _claim(database, "a")
    with database.session() as session:
        status = jobs.fail(session=session, job_id=job_id, owner="a", reason="bad file", backoff_seconds=0, permanent=True)
    assert status == "failed"


def test_renew_keeps_a_live_lease(database):
    job_id = _job(database)
    _claim(database, "a", lease=0.01)
    with database.session() as session:
        jobs.renew(session=session, owner="a", job_ids=[job_id], lease_seconds=30)
    assert _claim(database, "b") is None


def test_one_analysis_per_job_and_one_job_per_delivery(database):
    job_id = _job(database)
    with database.session() as session:
        transcript = analyses.save_transcript(session=session, org="acme", source="upload", format="text", raw=b"A: hi")
        analyses.save_analysis(session=session, analysis=stored_analysis("a1"), transcript=transcript, job_id=job_id)
        analyses.record_delivery(session=session, provider="zoom", event_key="u1:f1", job_id=job_id)
    with pytest.raises(IntegrityError), database.session() as session:
        transcript = analyses.save_transcript(session=session, org="acme", source="upload", format="text", raw=b"A: hi")
        analyses.save_analysis(session=session, analysis=stored_analysis("a2"), transcript=transcript, job_id=job_id)
    with pytest.raises(IntegrityError), database.session() as session:
        analyses.record_delivery(session=session, provider="zoom", event_key="u1:f1", job_id=job_id)
    with database.session() as session:
        assert analyses.find_delivery(session=session, provider="zoom", event_key="u1:f1").job_id == job_id


def test_listing_filters_and_stays_inside_the_organisation(database):
    with database.session() as session:
        for org, aid, rep, day in (("acme", "a1", "Sam", 3), ("acme", "a2", "Kim", 10), ("other", "a3", "Sam", 11)):
            transcript = analyses.save_transcript(session=session, org=org, source="upload", format="text", raw=b"x",
                                                  manager="Dana", rep=rep, meeting_date=dt.date(2026, 11, day))
            analyses.save_analysis(session=session, analysis=stored_analysis(aid), transcript=transcript, job_id=None)
    with database.session() as session:
        ids = lambda **kw: [r.id for r in analyses.list_analyses(session=session, org="acme", **kw)]  # noqa: E731
        assert ids() == ["a2", "a1"]
        assert ids(rep="Sam") == ["a1"]
        assert ids(manager="Dana", since=dt.date(2026, 11, 5)) == ["a2"]
        assert analyses.get_analysis(session=session, org="acme", analysis_id="a3") is None
        assert analyses.get_analysis(session=session, org="other", analysis_id="a3").rep == "Sam"
