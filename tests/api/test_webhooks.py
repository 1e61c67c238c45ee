"""Zoom and Gong webhooks end to end: signed deliveries in, downloads from fake Zoom/Gong servers, analyses stored."""

import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from api.config import Settings
from api.jobs import sign
from api.main import create_app
from api.store import keys
from tests.conftest import DATA
from tests.utils.fakes import fake_server
from tests.utils.jobs import wait_for

pytestmark = pytest.mark.model
ZOOM_SECRET = "zoom-secret-for-tests-0123456789"
GONG_URL = "https://balance.example.com/v1/webhooks/gong"
CALLBACK_SECRET = "callback-secret-0123456789"


def _pem(key) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


GONG_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def remote():
    with fake_server() as fake:
        yield fake


@pytest.fixture(scope="module")
def client(remote, tmp_path_factory):
    settings = Settings(
        environment="test", data_dir=tmp_path_factory.mktemp("data"), worker_poll_seconds=0.05, job_backoff_seconds=0.05,
        zoom_webhook_secret=ZOOM_SECRET, gong_webhook_public_key=_pem(GONG_KEY), gong_webhook_url=GONG_URL,
        gong_api_base=remote.url, gong_access_key="ak", gong_access_key_secret="as",
        callback_url=f"{remote.url}/callback", callback_secret=CALLBACK_SECRET,
    )
    with TestClient(create_app(settings)) as client:
        with client.app.state.db.session() as session:
            _, raw = keys.create_key(session=session, org="default", name="tests")
        client.headers["Authorization"] = f"Bearer {raw}"
        yield client


def zoom_post(client, event: dict, *, secret: str = ZOOM_SECRET, ts: int | None = None):
    body = json.dumps(event)
    ts = ts or int(time.time())
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return client.post("/v1/webhooks/zoom", content=body,
                       headers={"x-zm-signature": sig, "x-zm-request-timestamp": str(ts), "content-type": "application/json"})


def transcript_event(remote, uuid: str, path: str) -> dict:
    files = [{"id": "mp4", "file_type": "MP4", "download_url": f"{remote.url}/video"},
             {"id": f"tr-{uuid}", "file_type": "TRANSCRIPT", "download_url": f"{remote.url}{path}"}]
    return {"event": "recording.transcript_completed", "event_ts": 1, "download_token": "dl-token",
            "payload": {"object": {"uuid": uuid, "topic": "Dana / Sam 1:1", "start_time": "2026-11-20T15:00:00Z",
                                   "recording_files": files}}}


def _job(client, job_id: str) -> dict:
    db = client.app.state.db
    return {j: client.get(f"/v1/jobs/{j}").json() for j in wait_for(db, [job_id])}[job_id]


def test_zoom_url_validation_signs_the_plain_token(client):
    answer = zoom_post(client, {"event": "endpoint.url_validation", "payload": {"plainToken": "abc123"}})
    expected = hmac.new(ZOOM_SECRET.encode(), b"abc123", hashlib.sha256).hexdigest()
    assert answer.status_code == 200 and answer.json() == {"plainToken": "abc123", "encryptedToken": expected}


@pytest.mark.parametrize(("secret", "skew", "code"), [
    ("forged-secret", 0, "bad_signature"), (ZOOM_SECRET, 301, "stale_timestamp"), (ZOOM_SECRET, -400, "stale_timestamp"),
])
def test_zoom_refuses_forged_and_replayed_deliveries(client, remote, secret, skew, code):
    answer = zoom_post(client, transcript_event(remote, "forged", "/rec/x.vtt"), secret=secret, ts=int(time.time()) - skew)
    assert answer.status_code == 401 and answer.json()["error"]["code"] == code
    assert client.post("/v1/webhooks/zoom", content=b"{}").status_code == 401


def test_zoom_transcript_is_downloaded_analysed_once_and_called_back(client, remote):
    remote.answer("/rec/a.vtt", (200, (DATA / "zoom.vtt").read_bytes()))
    remote.answer("/callback", (200, b"ok"))
    first = zoom_post(client, transcript_event(remote, "meeting-a", "/rec/a.vtt"))
    again = zoom_post(client, transcript_event(remote, "meeting-a", "/rec/a.vtt"))
    assert first.status_code == 200 and first.json()["status"] == "queued"
    assert again.json() == {"status": "duplicate", "job_id": first.json()["job_id"]}
    job = _job(client, first.json()["job_id"])
    assert job["status"] == "done"
    analysis = client.get(f"/v1/analyses/{job['analysis_id']}").json()
    assert analysis["format"] == "zoom-vtt" and analysis["meeting_date"] == "2026-11-20"
    assert [h.headers["authorization"] for h in remote.hits("/rec/a.vtt")] == ["Bearer dl-token"]
    assert [a["id"] for a in client.get("/v1/analyses").json()].count(job["analysis_id"]) == 1
    deadline = time.monotonic() + 20
    while not remote.hits("/callback") and time.monotonic() < deadline:
        time.sleep(0.1)
    call = remote.hits("/callback")[0]
    assert call.headers["x-balance-signature"] == sign(CALLBACK_SECRET, call.headers["x-balance-timestamp"], call.body)
    assert json.loads(call.body)["analysis"]["id"] == job["analysis_id"]


def test_zoom_download_failures_retry_then_recover(client, remote):
    remote.answer("/rec/b.vtt", (500, b"oops"), (503, b"busy"), (200, (DATA / "zoom.vtt").read_bytes()))
    job = _job(client, zoom_post(client, transcript_event(remote, "meeting-b", "/rec/b.vtt")).json()["job_id"])
    assert (job["status"], job["attempts"]) == ("done", 3)


def test_zoom_download_refused_fails_the_job_with_its_reason(client, remote):
    remote.answer("/rec/c.vtt", (401, b"token expired"))
    job = _job(client, zoom_post(client, transcript_event(remote, "meeting-c", "/rec/c.vtt")).json()["job_id"])
    assert job["status"] == "failed" and job["attempts"] == 1 and "401" in job["last_error"]


def gong_post(client, event: dict, *, key=GONG_KEY, url: str = GONG_URL, body_hash: str | None = None, exp: int = 300):
    body = json.dumps(event).encode()
    claims = {"webhook_url": url, "body_sha256": body_hash or hashlib.sha256(body).hexdigest(), "exp": int(time.time()) + exp}
    token = jwt.encode(claims, key, algorithm="RS256")
    return client.post("/v1/webhooks/gong", content=body, headers={"Authorization": token, "content-type": "application/json"})


def gong_event(call_id: str) -> dict:
    return {"isTest": False, "callData": {"metaData": {"id": call_id, "started": "2026-11-19T10:03:37-07:00"}}}


@pytest.mark.parametrize("forgery", [{"key": OTHER_KEY}, {"url": "https://elsewhere/hook"}, {"body_hash": "0" * 64},
                                     {"exp": -10}])
def test_gong_refuses_forged_or_stale_jwts(client, forgery):
    answer = gong_post(client, gong_event("1"), **forgery)
    assert answer.status_code == 401, answer.text


def test_gong_call_is_fetched_with_its_parties_and_stored_once(client, remote):
    gong = json.loads((DATA / "gong.json").read_text())
    remote.answer("/v2/calls/transcript", (500, b"busy"), (200, {"callTranscripts": gong["callTranscripts"]}))
    remote.answer("/v2/calls/extensive", (200, {"calls": [{"parties": gong.get("parties") or gong["calls"][0]["parties"]}]}))
    first = gong_post(client, gong_event("7782342274025937895"))
    assert gong_post(client, gong_event("7782342274025937895")).json()["status"] == "duplicate"
    job = _job(client, first.json()["job_id"])
    assert (job["status"], job["attempts"]) == ("done", 2)
    analysis = client.get(f"/v1/analyses/{job['analysis_id']}").json()
    assert {s["role_source"] for s in analysis["speakers"]} == {"parties"}
    assert analysis["meeting_date"] == "2026-11-19"
    sent = remote.hits("/v2/calls/extensive")[-1]
    assert json.loads(sent.body)["filter"] == {"callIds": ["7782342274025937895"]}
    assert sent.headers["authorization"] == "Basic YWs6YXM="
