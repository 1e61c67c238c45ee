"""Zoom: signed events (`x-zm-signature`), the URL-validation handshake, and the transcript download.

Signature: "v0=" + hex(HMAC_SHA256(secret, "v0:{timestamp}:{raw body}")), timestamp in seconds.
"""

import hashlib
import hmac
import time
from typing import Any

import httpx

from api.errors import ApiError

TRANSCRIPT_EVENT = "recording.transcript_completed"


def _hmac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def verify(*, secret: str, timestamp: str | None, signature: str | None, body: bytes, max_skew: int,
           now: float | None = None) -> None:
    """Refuse forged, unsigned or replayed deliveries (401), comparing in constant time."""
    if not timestamp or not signature:
        raise ApiError(401, "bad_signature", "Missing x-zm-request-timestamp or x-zm-signature header.")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > max_skew:
        raise ApiError(401, "stale_timestamp", f"x-zm-request-timestamp is more than {max_skew} s from now; "
                       "replayed or delayed deliveries are refused.")
    expected = "v0=" + _hmac(secret, f"v0:{timestamp}:{body.decode('utf-8', 'replace')}")
    if not hmac.compare_digest(expected, signature):
        raise ApiError(401, "bad_signature", "x-zm-signature does not match the body; check BALANCE_ZOOM_WEBHOOK_SECRET.")


def url_validation(*, secret: str, plain_token: str) -> dict[str, str]:
    """Zoom's endpoint check: prove we hold the secret by signing its token."""
    return {"plainToken": plain_token, "encryptedToken": _hmac(secret, plain_token)}


def transcript_delivery(event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The dedupe key and job payload of a transcript_completed event; 422 when it names no transcript file."""
    obj = (event.get("payload") or {}).get("object") or {}
    files = [f for f in obj.get("recording_files") or [] if isinstance(f, dict) and f.get("file_type") == "TRANSCRIPT"]
    if not files or not files[0].get("download_url"):
        raise ApiError(422, "no_transcript_file", "The event has no recording file of file_type TRANSCRIPT with a download_url.")
    file = files[0]
    key = f"{obj.get('uuid') or obj.get('id')}:{file.get('id') or file['download_url']}"
    payload = {
        "download_url": file["download_url"], "download_token": event.get("download_token"),
        "topic": obj.get("topic"), "start_time": obj.get("start_time") or file.get("recording_start"),
    }
    return key, payload


def download(client: httpx.Client, payload: dict[str, Any]) -> bytes:
    """Fetch the VTT; the event's download_token is the bearer credential Zoom expects."""
    token = payload.get("download_token")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.get(payload["download_url"], headers=headers, follow_redirects=True)
    response.raise_for_status()
    return response.content
