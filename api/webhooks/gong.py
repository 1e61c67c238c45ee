"""Gong: automation-rule webhooks (signed JWT or URL key) that carry a call id; the transcript comes from the API.

Signed-JWT mode: `Authorization` holds an RS256 JWT whose claims `webhook_url` and `body_sha256` bind it to
this endpoint and these exact bytes.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

import httpx
import jwt

from api.errors import ApiError


def verify_jwt(*, token: str | None, public_key: str, webhook_url: str, body: bytes) -> None:
    """Check signature, expiry, URL and body hash; 401 on any mismatch."""
    if not token:
        raise ApiError(401, "bad_signature", "Missing Authorization header with Gong's signed JWT.")
    token = token.removeprefix("Bearer ").strip()
    try:
        claims = jwt.decode(token, public_key, algorithms=["RS256"], options={"verify_aud": False})
    except jwt.ExpiredSignatureError as exc:
        raise ApiError(401, "stale_timestamp", "Gong's JWT has expired; replayed deliveries are refused.") from exc
    except jwt.InvalidTokenError as exc:
        raise ApiError(401, "bad_signature", f"Gong's JWT does not verify: {exc}.") from exc
    if claims.get("webhook_url") != webhook_url:
        raise ApiError(401, "bad_signature", "The JWT was issued for another webhook URL.")
    if not hmac.compare_digest(str(claims.get("body_sha256", "")), hashlib.sha256(body).hexdigest()):
        raise ApiError(401, "bad_signature", "The JWT's body_sha256 does not match the body.")


def verify_url_key(*, given: str | None, expected: str) -> None:
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "bad_signature", "The webhook URL key is missing or wrong.")


def call_delivery(event: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The dedupe key and job payload of a rule delivery: the call id and when it started."""
    meta = ((event.get("callData") or {}).get("metaData")) or {}
    if not meta.get("id"):
        raise ApiError(422, "no_call_id", "The payload has no callData.metaData.id; nothing to fetch.")
    call_id = str(meta["id"])
    return call_id, {"call_id": call_id, "started": meta.get("started"), "title": meta.get("title")}


def fetch(client: httpx.Client, *, base: str, access_key: str, secret: str, call_id: str) -> bytes:
    """The call's transcript with its parties, as one gong-json file our parser reads (roles included)."""
    auth = "Basic " + base64.b64encode(f"{access_key}:{secret}".encode()).decode()
    body = {"filter": {"callIds": [call_id]}}
    transcript = client.post(f"{base}/v2/calls/transcript", json=body, headers={"Authorization": auth})
    transcript.raise_for_status()
    extensive = client.post(
        f"{base}/v2/calls/extensive", headers={"Authorization": auth},
        json={**body, "contentSelector": {"exposedFields": {"parties": True}}},
    )
    extensive.raise_for_status()
    calls = [{"parties": c.get("parties") or []} for c in extensive.json().get("calls") or []]
    return json.dumps({"callTranscripts": transcript.json().get("callTranscripts") or [], "calls": calls}).encode()
