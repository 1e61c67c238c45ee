"""Wait for stored jobs to end, as a client polling GET /v1/jobs would."""

import time

from api.store.db import Database
from api.store.tables import Job


def wait_for(database: Database, job_ids: list[str], timeout: float = 60) -> dict[str, Job]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session() as session:
            found = {j: session.get(Job, j) for j in job_ids}
        if all(job.status in ("done", "failed") for job in found.values()):
            return found
        time.sleep(0.1)
    raise AssertionError(f"jobs not finished in {timeout} s: {[(j.id, j.status) for j in found.values()]}")
