"""Stored transcripts and the async path: upload now, poll the job, read the analysis when it is done."""

import datetime as dt
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from api.auth import OrgDep
from api.deps import DatabaseDep, SettingsDep
from api.errors import ApiError
from api.routes.analyze import ERRORS
from api.store import analyses, jobs
from api.store.tables import AnalysisRow, Job
from api.uploads import openapi_body, read_upload
from pipeline.ingest import parse
from pipeline.schemas import Analysis

router = APIRouter(prefix="/v1", tags=["stored analyses"])
AUTH: dict[int | str, dict[str, Any]] = {
    401: {"description": "Missing, unknown or revoked API key"},
    404: {"description": "Not found in your organisation"},
}


class Accepted(BaseModel):
    job_id: str
    transcript_id: str
    status: str
    format: str


class JobOut(BaseModel):
    id: str
    kind: str
    status: str
    attempts: int
    max_attempts: int
    last_error: str | None
    analysis_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class StoredAnalysis(Analysis):
    manager: str | None
    rep: str | None
    meeting_date: dt.date
    transcript_id: str
    created_at: dt.datetime


class AnalysisSummary(BaseModel):
    id: str
    manager: str | None
    rep: str | None
    meeting_date: dt.date
    created_at: dt.datetime
    format: str
    duration_seconds: float | None
    people_share: float
    shares: dict[str, float]
    flags: list[str]


def stored(row: AnalysisRow) -> StoredAnalysis:
    return StoredAnalysis.model_validate({**row.body, "manager": row.manager, "rep": row.rep, "meeting_date": row.meeting_date,
                                          "transcript_id": row.transcript_id, "created_at": row.created_at})


def summary(row: AnalysisRow) -> AnalysisSummary:
    profile = row.body["profile"]
    return AnalysisSummary(
        id=row.id, manager=row.manager, rep=row.rep, meeting_date=row.meeting_date, created_at=row.created_at,
        format=row.body["format"], duration_seconds=row.body["duration_seconds"], people_share=row.people_share,
        shares={label: stats["share"] for label, stats in profile["labels"].items()},
        flags=[flag["code"] for flag in profile["flags"]],
    )


@router.post("/transcripts", status_code=202, response_model=Accepted, openapi_extra=openapi_body(),  # type: ignore[arg-type]
             responses={**ERRORS, **AUTH})
async def submit(request: Request, org: OrgDep, db: DatabaseDep, settings: SettingsDep,
                 date: Annotated[dt.date | None, Query(description="Meeting date (YYYY-MM-DD); default today.")] = None
                 ) -> Accepted:
    """Store a transcript and queue its analysis in one transaction; poll the returned job."""
    upload = await read_upload(request, settings.max_upload_bytes)

    def store() -> Accepted:
        fmt = parse(upload.data, upload.format).format
        with db.session() as session:
            transcript = analyses.save_transcript(session=session, org=org, source="upload", format=fmt, raw=upload.data,
                                                  manager=upload.manager, rep=upload.rep, meeting_date=date)
            job = jobs.enqueue(session=session, org=org, kind="analyze", transcript_id=transcript.id,
                               max_attempts=settings.job_max_attempts)
            return Accepted(job_id=job.id, transcript_id=transcript.id, status=job.status, format=fmt)

    return await anyio.to_thread.run_sync(store)


def _job(db: DatabaseDep, org: str, job_id: str) -> Job:
    with db.session() as session:
        job = jobs.get_job(session=session, org=org, job_id=job_id)
    if job is None:
        raise ApiError(404, "not_found", f"No job '{job_id}' in your organisation.")
    return job


@router.get("/jobs/{job_id}", response_model=JobOut, responses=AUTH)
def get_job(job_id: str, org: OrgDep, db: DatabaseDep) -> JobOut:
    """A job's status: queued, running, done (with analysis_id) or failed (with last_error)."""
    return JobOut.model_validate(_job(db, org, job_id), from_attributes=True)


@router.get("/analyses/{analysis_id}", response_model=StoredAnalysis, responses=AUTH)
def get_analysis(analysis_id: str, org: OrgDep, db: DatabaseDep) -> StoredAnalysis:
    """One stored analysis, in API.md's shape plus who, when and from which transcript."""
    with db.session() as session:
        row = analyses.get_analysis(session=session, org=org, analysis_id=analysis_id)
    if row is None:
        raise ApiError(404, "not_found", f"No analysis '{analysis_id}' in your organisation.")
    return stored(row)


@router.get("/analyses", response_model=list[AnalysisSummary], responses=AUTH)
def list_analyses(
    org: OrgDep, db: DatabaseDep, manager: str | None = None, rep: str | None = None, since: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100, offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AnalysisSummary]:
    """Stored analyses, newest meeting first, by manager, rep and first date."""
    with db.session() as session:
        rows = analyses.list_analyses(session=session, org=org, manager=manager, rep=rep, since=since, limit=limit, offset=offset)
    return [summary(row) for row in rows]
