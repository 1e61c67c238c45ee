"""Webhooks from recording tools: verify, dedupe, queue a job, answer at once; the download runs in the job."""

import json
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Header, Query, Request
from sqlalchemy.exc import IntegrityError

from api.config import Settings
from api.deps import DatabaseDep, SettingsDep
from api.errors import ApiError
from api.store import analyses, jobs
from api.store.db import Database
from api.webhooks import gong, zoom

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "Bad or missing signature, or a stale (replayed) delivery"},
    404: {"description": "This provider is not configured here"},
    422: {"description": "Not JSON, or no transcript to fetch"},
}


def _json(body: bytes) -> dict[str, Any]:
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(422, "invalid_json", f"The webhook body is not JSON: {exc}.") from exc
    if not isinstance(event, dict):
        raise ApiError(422, "invalid_json", "The webhook body must be a JSON object.")
    return event


def _queue(db: Database, settings: Settings, provider: str, key: str, payload: dict[str, Any]) -> dict[str, str]:
    """Record the delivery and its job together; a redelivered event returns the first job instead."""
    try:
        with db.session() as session:
            job = jobs.enqueue(session=session, org=settings.webhook_org, kind=provider, payload=payload,
                               max_attempts=settings.job_max_attempts)
            analyses.record_delivery(session=session, provider=provider, event_key=key, job_id=job.id)
            return {"status": "queued", "job_id": job.id}
    except IntegrityError:
        with db.session() as session:
            seen = analyses.find_delivery(session=session, provider=provider, event_key=key)
            if seen is None:
                raise
            return {"status": "duplicate", "job_id": seen.job_id}


@router.post("/zoom", responses=REFUSED)
async def zoom_webhook(
    request: Request, db: DatabaseDep, settings: SettingsDep,
    x_zm_signature: Annotated[str | None, Header()] = None,
    x_zm_request_timestamp: Annotated[str | None, Header()] = None,
) -> dict[str, str]:
    """Zoom events: answer URL validation, queue recording.transcript_completed, acknowledge the rest."""
    if settings.zoom_webhook_secret is None:
        raise ApiError(404, "not_configured", "Set BALANCE_ZOOM_WEBHOOK_SECRET to receive Zoom webhooks.")
    secret = settings.zoom_webhook_secret.get_secret_value()
    body = await request.body()
    zoom.verify(secret=secret, timestamp=x_zm_request_timestamp, signature=x_zm_signature, body=body,
                max_skew=settings.zoom_max_skew_seconds)
    event = _json(body)
    if event.get("event") == "endpoint.url_validation":
        token = (event.get("payload") or {}).get("plainToken")
        if not isinstance(token, str) or not token:
            raise ApiError(422, "invalid_request", "endpoint.url_validation needs payload.plainToken.")
        return zoom.url_validation(secret=secret, plain_token=token)
    if event.get("event") != zoom.TRANSCRIPT_EVENT:
        return {"status": "ignored"}
    key, payload = zoom.transcript_delivery(event)
    return await anyio.to_thread.run_sync(_queue, db, settings, "zoom", key, payload)


@router.post("/gong", responses=REFUSED)
async def gong_webhook(
    request: Request, db: DatabaseDep, settings: SettingsDep,
    authorization: Annotated[str | None, Header()] = None,
    key: Annotated[str | None, Query(description="The URL key, in Gong's URL-key mode.")] = None,
) -> dict[str, str]:
    """Gong automation-rule deliveries (signed JWT or URL key): queue a job that fetches the call's transcript."""
    body = await request.body()
    if settings.gong_webhook_public_key:
        gong.verify_jwt(token=authorization, public_key=settings.gong_webhook_public_key,
                        webhook_url=settings.gong_webhook_url or str(request.url), body=body)
    elif settings.gong_webhook_key:
        gong.verify_url_key(given=key, expected=settings.gong_webhook_key.get_secret_value())
    else:
        raise ApiError(404, "not_configured", "Set BALANCE_GONG_WEBHOOK_PUBLIC_KEY or BALANCE_GONG_WEBHOOK_KEY for Gong.")
    event_key, payload = gong.call_delivery(_json(body))
    return await anyio.to_thread.run_sync(_queue, db, settings, "gong", event_key, payload)
