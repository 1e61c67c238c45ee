"""The job queue in the database: enqueue with the transcript in one transaction, claim with a lease.

Claiming is a conditional UPDATE on one candidate row, so two workers (threads or processes, on SQLite
or PostgreSQL) can never both hold a job; a lease that runs out hands a dead worker's job to the next.
"""

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from api.store.tables import Job, utcnow


def enqueue(
    *, session: Session, org: str, kind: str, max_attempts: int, transcript_id: str | None = None,
    payload: dict[str, Any] | None = None,
) -> Job:
    job = Job(org=org, kind=kind, transcript_id=transcript_id, payload=payload or {}, max_attempts=max_attempts)
    session.add(job)
    session.flush()
    return job


def _claimable(now: dt.datetime) -> Any:
    return or_(
        (Job.status == "queued") & (Job.available_at <= now),
        (Job.status == "running") & (Job.lease_until < now),
    )


def claim(*, session: Session, owner: str, lease_seconds: float) -> Job | None:
    """Take the oldest job that is due (or whose lease ran out), counting the attempt; None when idle."""
    now = utcnow()
    for job_id in session.scalars(select(Job.id).where(_claimable(now)).order_by(Job.available_at).limit(5)):
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, _claimable(now))
            .values(status="running", lease_owner=owner, lease_until=now + dt.timedelta(seconds=lease_seconds),
                    attempts=Job.attempts + 1, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return session.get(Job, job_id, populate_existing=True)
    return None


def renew(*, session: Session, owner: str, job_ids: list[str], lease_seconds: float) -> None:
    """Extend the leases this worker still holds, so a long analysis is not taken from under it."""
    if job_ids:
        session.execute(
            update(Job)
            .where(Job.id.in_(job_ids), Job.lease_owner == owner, Job.status == "running")
            .values(lease_until=utcnow() + dt.timedelta(seconds=lease_seconds))
        )


def finish(*, session: Session, job: Job, owner: str, analysis_id: str | None) -> bool:
    """Mark done if the lease is still ours; False means another worker took it and this result must roll back."""
    done = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.lease_owner == owner, Job.status == "running")
        .values(status="done", analysis_id=analysis_id, lease_until=None, last_error=None, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return done.rowcount == 1  # type: ignore[attr-defined]


def fail(*, session: Session, job_id: str, owner: str, reason: str, backoff_seconds: float, permanent: bool = False) -> str:
    """Record a failure: back to the queue after a backoff, or `failed` once attempts run out; the new status."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.lease_owner != owner or job.status != "running":
        return "lost"
    job.last_error = reason[:2000]
    job.lease_until = None
    if permanent or job.attempts >= job.max_attempts:
        job.status = "failed"
    else:
        job.status = "queued"
        job.available_at = utcnow() + dt.timedelta(seconds=backoff_seconds * 2 ** (job.attempts - 1))
    return job.status


def get_job(*, session: Session, org: str, job_id: str) -> Job | None:
    """A job as its organisation sees it; another organisation's job does not exist."""
    return session.scalars(select(Job).where(Job.id == job_id, Job.org == org)).first()


def counts(*, session: Session) -> dict[str, int]:
    """Jobs per status: how much work is queued, running, done or failed."""
    return dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())  # type: ignore[arg-type]
