"""The job worker: claims due jobs with a lease, runs them, retries with backoff, and never loses one.

Runs as threads inside the API process (default) or alone via `python -m scripts.worker`. A heartbeat
renews the leases of running jobs; if the process dies, the leases run out and another worker takes over.
"""

import logging
import os
import socket
import threading
import uuid

import httpx

from api.jobs import LeaseLost, PermanentError, Processor
from api.metrics import Metrics
from api.store import jobs
from api.store.db import Database
from pipeline.errors import TranscriptError

log = logging.getLogger("balance.worker")
RETRYABLE_STATUS = {408, 425, 429}


def _permanent(exc: BaseException) -> bool:
    if isinstance(exc, PermanentError | TranscriptError):
        return True
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return 400 <= status < 500 and status not in RETRYABLE_STATUS
    return False


class Worker:
    def __init__(self, db: Database, processor: Processor, metrics: Metrics | None = None, *, threads: int = 1,
                 poll_seconds: float = 0.5, lease_seconds: float = 30.0, backoff_seconds: float = 2.0) -> None:
        self.db, self.processor, self.metrics = db, processor, metrics
        self.threads, self.poll, self.lease, self.backoff = threads, poll_seconds, lease_seconds, backoff_seconds
        self.owner = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.stopping = threading.Event()
        self.held: set[str] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        targets = [self._loop] * self.threads + [self._heartbeat]
        self._threads = [threading.Thread(target=t, name=f"balance-worker-{i}", daemon=True) for i, t in enumerate(targets)]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the jobs in hand, then return; unfinished ones fall back to the queue when their lease ends."""
        self.stopping.set()
        for thread in self._threads:
            thread.join(timeout)

    def run_once(self) -> bool:
        """Claim and run one job; False when none was due."""
        with self.db.session() as session:
            job = jobs.claim(session=session, owner=self.owner, lease_seconds=self.lease)
        if job is None:
            return False
        with self._lock:
            self.held.add(job.id)
        try:
            self._run(job)
        finally:
            with self._lock:
                self.held.discard(job.id)
        return True

    def _run(self, job: jobs.Job) -> None:
        """The loop boundary: any failure of one job is recorded on that job and the worker goes on."""
        try:
            self.processor.run(job, self.owner)
            self._count(job.kind, "done")
        except LeaseLost:
            log.warning("job %s: lease lost to another worker; its result was rolled back", job.id)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"
            with self.db.session() as session:
                status = jobs.fail(session=session, job_id=job.id, owner=self.owner, reason=reason,
                                   backoff_seconds=self.backoff, permanent=_permanent(exc))
            log.warning("job %s (%s) attempt %d failed, now %s: %s", job.id, job.kind, job.attempts, status, reason)
            self._count(job.kind, "failed" if status == "failed" else "retried")

    def _count(self, kind: str, outcome: str) -> None:
        if self.metrics:
            self.metrics.jobs.labels(kind=kind, outcome=outcome).inc()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if not self.run_once():
                self.stopping.wait(self.poll)

    def _heartbeat(self) -> None:
        while not self.stopping.wait(self.lease / 3):
            with self._lock:
                held = sorted(self.held)
            with self.db.session() as session:
                jobs.renew(session=session, owner=self.owner, job_ids=held, lease_seconds=self.lease)
