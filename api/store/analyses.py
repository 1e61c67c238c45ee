"""Transcripts and analyses, always read through the caller's organisation."""

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.tables import AnalysisRow, Delivery, TranscriptRow
from pipeline.schemas import Analysis


def save_transcript(
    *, session: Session, org: str, source: str, format: str, raw: bytes, manager: str | None = None,
    rep: str | None = None, meeting_date: dt.date | None = None,
) -> TranscriptRow:
    row = TranscriptRow(org=org, source=source, format=format, raw=raw, manager=manager, rep=rep, meeting_date=meeting_date)
    session.add(row)
    session.flush()
    return row


def _named(analysis: Analysis, role: str, given: str | None) -> str | None:
    return given or next((s.name for s in analysis.speakers if s.role == role), None)


def save_analysis(*, session: Session, analysis: Analysis, transcript: TranscriptRow, job_id: str | None) -> AnalysisRow:
    """Store an analysis with the names the caller gave, else the speakers the roles step found."""
    row = AnalysisRow(
        id=analysis.id, org=transcript.org, job_id=job_id, transcript_id=transcript.id,
        manager=_named(analysis, "manager", transcript.manager), rep=_named(analysis, "rep", transcript.rep),
        meeting_date=transcript.meeting_date or transcript.created_at.date(),
        people_share=analysis.profile.people_share, model_version=analysis.model.version,
        body=analysis.model_dump(mode="json"),
    )
    session.add(row)
    session.flush()
    return row


def get_analysis(*, session: Session, org: str, analysis_id: str) -> AnalysisRow | None:
    return session.scalars(select(AnalysisRow).where(AnalysisRow.id == analysis_id, AnalysisRow.org == org)).first()


def list_analyses(
    *, session: Session, org: str, manager: str | None = None, rep: str | None = None, since: dt.date | None = None,
    limit: int = 100, offset: int = 0,
) -> list[AnalysisRow]:
    """Newest meetings first, filtered by exact manager or rep name and a first meeting date."""
    query = select(AnalysisRow).where(AnalysisRow.org == org)
    if manager:
        query = query.where(AnalysisRow.manager == manager)
    if rep:
        query = query.where(AnalysisRow.rep == rep)
    if since:
        query = query.where(AnalysisRow.meeting_date >= since)
    query = query.order_by(AnalysisRow.meeting_date.desc(), AnalysisRow.created_at.desc()).limit(limit).offset(offset)
    return list(session.scalars(query))


def find_delivery(*, session: Session, provider: str, event_key: str) -> Delivery | None:
    return session.scalars(select(Delivery).where(Delivery.provider == provider, Delivery.event_key == event_key)).first()


def record_delivery(*, session: Session, provider: str, event_key: str, job_id: str) -> Delivery:
    """Remember a webhook event; the unique constraint refuses a second row for the same event."""
    row = Delivery(provider=provider, event_key=event_key, job_id=job_id)
    session.add(row)
    session.flush()
    return row
