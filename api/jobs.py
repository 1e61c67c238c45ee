"""What each kind of job does. Results are written in the same transaction that marks the job done.

Kinds: `analyze` (a stored upload), `zoom` and `gong` (download first, keep the raw bytes, then analyse),
`callback` (POST a finished analysis to the configured URL, HMAC-signed).
"""

import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass

import httpx
from sqlalchemy.orm import Session

from api.config import Settings
from api.deps import Analyzer
from api.store import analyses, jobs
from api.store.db import Database
from api.store.tables import Job, TranscriptRow
from api.uploads import Upload
from api.webhooks import gong, zoom


class PermanentError(Exception):
    """A failure that retrying cannot fix (a 4xx from the source, a missing credential)."""


class LeaseLost(Exception):
    """Another worker took the job after our lease ran out; our result is rolled back."""


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None
    except ValueError:
        return None


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The callback signature receivers recompute: v1=hex(HMAC_SHA256(secret, "{timestamp}." + body))."""
    return "v1=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass
class Processor:
    db: Database
    analyzer: Analyzer
    settings: Settings
    http: httpx.Client

    def run(self, job: Job, owner: str) -> None:
        """Do one claimed job to the end, or raise; the worker records failures."""
        if job.kind == "callback":
            self._callback(job, owner)
            return
        transcript_id = job.transcript_id or self._download(job, owner)
        with self.db.session() as session:
            transcript = self._transcript(session, transcript_id)
            upload = Upload(transcript.raw, transcript.format, transcript.manager, transcript.rep)
        analysis = self.analyzer.upload(upload)
        with self.db.session() as session:
            if not jobs.finish(session=session, job=job, owner=owner, analysis_id=analysis.id):
                raise LeaseLost(job.id)
            analyses.save_analysis(session=session, analysis=analysis, transcript=self._transcript(session, transcript_id),
                                   job_id=job.id)
            if self.settings.callback_url:
                jobs.enqueue(session=session, org=job.org, kind="callback", max_attempts=self.settings.job_max_attempts,
                             payload={"analysis_id": analysis.id})

    @staticmethod
    def _transcript(session: Session, transcript_id: str) -> TranscriptRow:
        transcript = session.get(TranscriptRow, transcript_id)
        if transcript is None:
            raise PermanentError(f"Transcript {transcript_id} is gone.")
        return transcript

    def _download(self, job: Job, owner: str) -> str:
        """Fetch the transcript a webhook pointed at and keep its bytes before any analysis is tried."""
        if job.kind == "zoom":
            raw, fmt, when = zoom.download(self.http, job.payload), "zoom-vtt", job.payload.get("start_time")
        elif job.kind == "gong":
            s = self.settings
            if not (s.gong_access_key and s.gong_access_key_secret):
                raise PermanentError("Gong API credentials are not set (BALANCE_GONG_ACCESS_KEY and _SECRET).")
            raw = gong.fetch(self.http, base=s.gong_api_base.rstrip("/"), access_key=s.gong_access_key,
                             secret=s.gong_access_key_secret.get_secret_value(), call_id=job.payload["call_id"])
            fmt, when = "gong-json", job.payload.get("started")
        else:
            raise PermanentError(f"Unknown job kind '{job.kind}'.")
        with self.db.session() as session:
            row = session.get(Job, job.id, populate_existing=True)
            if row is None or row.lease_owner != owner or row.status != "running":
                raise LeaseLost(job.id)
            transcript = analyses.save_transcript(session=session, org=job.org, source=job.kind, format=fmt, raw=raw,
                                                  meeting_date=_date(when))
            row.transcript_id = transcript.id
            return transcript.id

    def _callback(self, job: Job, owner: str) -> None:
        with self.db.session() as session:
            row = analyses.get_analysis(session=session, org=job.org, analysis_id=job.payload["analysis_id"])
            if row is None:
                raise PermanentError("The analysis to deliver no longer exists.")
            body = json.dumps({"event": "analysis.completed", "org": job.org, "analysis": row.body}).encode()
        secret = self.settings.callback_secret
        url = self.settings.callback_url
        if not url or secret is None:
            raise PermanentError("BALANCE_CALLBACK_URL or BALANCE_CALLBACK_SECRET is no longer set.")
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Balance-Timestamp": timestamp,
                   "X-Balance-Signature": sign(secret.get_secret_value(), timestamp, body)}
        self.http.post(url, content=body, headers=headers).raise_for_status()
        with self.db.session() as session:
            if not jobs.finish(session=session, job=job, owner=owner, analysis_id=job.payload["analysis_id"]):
                raise LeaseLost(job.id)
