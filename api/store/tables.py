"""The tables. Times are naive UTC everywhere, so SQLite and PostgreSQL compare them the same way."""

import datetime as dt
import uuid

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, LargeBinary, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ApiKey(Base):
    """A key is shown once; only its SHA-256 is kept (keys are 256-bit random, so no slow hash is needed)."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org: Mapped[str] = mapped_column(String(100), index=True)
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class TranscriptRow(Base):
    """The raw bytes as received, so any analysis can be re-run from the source."""

    __tablename__ = "transcripts"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org: Mapped[str] = mapped_column(String(100), index=True)
    source: Mapped[str] = mapped_column(String(20))
    format: Mapped[str] = mapped_column(String(20))
    manager: Mapped[str | None] = mapped_column(String(200))
    rep: Mapped[str | None] = mapped_column(String(200))
    meeting_date: Mapped[dt.date | None] = mapped_column()
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Job(Base):
    """Work with a lease: `running` past `lease_until` means its worker died and anyone may take it."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    org: Mapped[str] = mapped_column(String(100), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    transcript_id: Mapped[str | None] = mapped_column(ForeignKey("transcripts.id"))
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    available_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    analysis_id: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class AnalysisRow(Base):
    """One finished analysis; `job_id` is unique, which is what makes a job's result land exactly once."""

    __tablename__ = "analyses"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org: Mapped[str] = mapped_column(String(100), index=True)
    job_id: Mapped[str | None] = mapped_column(ForeignKey("jobs.id"), unique=True)
    transcript_id: Mapped[str] = mapped_column(ForeignKey("transcripts.id"))
    manager: Mapped[str | None] = mapped_column(String(200), index=True)
    rep: Mapped[str | None] = mapped_column(String(200), index=True)
    meeting_date: Mapped[dt.date] = mapped_column(index=True)
    people_share: Mapped[float] = mapped_column()
    model_version: Mapped[str] = mapped_column(String(100))
    body: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Delivery(Base):
    """A webhook event seen once; the unique key turns a redelivery into a no-op."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("provider", "event_key", name="uq_webhook_deliveries_event"),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    provider: Mapped[str] = mapped_column(String(20))
    event_key: Mapped[str] = mapped_column(String(300))
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
