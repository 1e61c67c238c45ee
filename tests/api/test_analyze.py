import json

import pytest

from tests.conftest import DATA
from tests.pipeline.test_ingest import FIXTURES, WORDS

API_FIELDS = {"id", "format", "duration_seconds", "segments", "speakers", "profile", "model"}


@pytest.mark.model
@pytest.mark.parametrize(("name", "fmt"), FIXTURES)
def test_every_format_through_the_api(app_client, name, fmt):
    response = app_client.post("/v1/analyze", files={"file": (name, (DATA / name).read_bytes())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body.keys() >= API_FIELDS
    assert body["format"] == fmt
    assert " ".join(s["text"] for s in body["segments"]).split() == WORDS
    for s in body["segments"]:
        assert s["label"] in {"deal-status", "coaching", "goals", "rapport"}
        assert set(s["scores"]) == {"deal-status", "coaching", "goals", "rapport"}
        assert s["confidence"] == max(s["scores"].values())
    labels = body["profile"]["labels"]
    assert sum(v["share"] for v in labels.values()) == pytest.approx(1.0, abs=1e-3)
    assert body["profile"]["people_share"] == pytest.approx(
        labels["coaching"]["share"] + labels["goals"]["share"] + labels["rapport"]["share"], abs=1e-3)
    assert {s["name"] for s in body["speakers"]} == {"Dana Ruiz", "Sam Lee"}
    assert body["model"]["name"] and body["model"]["version"]


@pytest.mark.model
def test_timed_formats_use_time_basis_and_roles_follow_sources(app_client):
    body = app_client.post("/v1/analyze", files={"file": ("g.json", (DATA / "gong.json").read_bytes())}).json()
    assert body["profile"]["basis"] == "time" and body["duration_seconds"] == pytest.approx(19.3)
    roles = {s["name"]: (s["role"], s["role_source"]) for s in body["speakers"]}
    assert roles == {"Dana Ruiz": ("manager", "parties"), "Sam Lee": ("rep", "parties")}
    body = app_client.post("/v1/analyze", files={"file": ("z.vtt", (DATA / "zoom.vtt").read_bytes())},
                           data={"manager": "Sam Lee"}).json()
    roles = {s["name"]: (s["role"], s["role_source"]) for s in body["speakers"]}
    assert roles == {"Sam Lee": ("manager", "request"), "Dana Ruiz": ("rep", "request")}


@pytest.mark.model
def test_json_segments_request(app_client):
    payload = json.loads((DATA / "segments.json").read_text())
    body = app_client.post("/v1/analyze", json=payload).json()
    assert body["format"] == "segments-json"
    assert [s["role_source"] for s in body["speakers"]] == ["request", "request"]


@pytest.mark.model
def test_format_override(app_client):
    response = app_client.post("/v1/analyze", files={"file": ("x.txt", (DATA / "zoom.vtt").read_bytes())},
                               data={"format": "vtt"})
    assert response.status_code == 200 and response.json()["format"] == "vtt"
    empty = app_client.post("/v1/analyze", files={"file": ("x.txt", (DATA / "zoom.vtt").read_bytes())},
                            data={"format": ""})
    assert empty.status_code == 200 and empty.json()["format"] == "zoom-vtt"


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"json": {"segments": []}}, 422, "bad_json"),
    ({"json": {"segments": [{"speaker": "A"}]}}, 422, "bad_json"),
    ({"json": [1, 2]}, 422, "bad_json"),
    ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 422, "bad_json"),
    ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415, "unsupported_media_type"),
    ({"data": {"format": "vtt"}}, 415, "unsupported_media_type"),
    ({"files": {"other": ("a.vtt", b"WEBVTT")}}, 422, "missing_file"),
    ({"files": {"file": ("a.vtt", b"")}}, 422, "empty_transcript"),
    ({"files": {"file": ("a.bin", bytes(range(256)) * 8)}}, 422, "bad_encoding"),
    ({"files": {"file": ("a.vtt", b"WEBVTT\n\n00:00:0x.000 --> 00:00:01.000\nA: hi\n")}}, 422, "bad_timestamp"),
    ({"files": {"file": ("a.vtt", (DATA / "zoom.vtt").read_bytes())}, "data": {"format": "docx"}}, 422,
     "unknown_format"),
    ({"files": {"file": ("a.vtt", (DATA / "zoom.vtt").read_bytes())}, "data": {"rep": "Nobody"}}, 422,
     "bad_speaker"),
    ({"files": {"file": ("a.json", b'{"calls": []}')}}, 422, "bad_json"),
])
def test_bad_requests_get_named_4xx_errors(app_client, kwargs, status, code):
    response = app_client.post("/v1/analyze", **kwargs)
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and len(error["message"]) > 20


def test_oversize_upload_is_413():
    from fastapi.testclient import TestClient

    from api.config import Settings
    from api.main import create_app

    with TestClient(create_app(Settings(max_upload_bytes=1024, max_words=50))) as client:
        response = client.post("/v1/analyze", files={"file": ("big.txt", b"A: hello there\n" * 200)})
        assert response.status_code == 413 and response.json()["error"]["code"] == "too_large"
        response = client.post("/v1/analyze", files={"file": ("long.txt", b"A: one two three four five six\n" * 10)})
        assert response.status_code == 413 and response.json()["error"]["code"] == "transcript_too_long"


def test_unknown_route_and_method(app_client):
    assert app_client.get("/v1/nothing").json()["error"]["code"] == "not_found"
    response = app_client.get("/v1/analyze")
    assert response.status_code == 405 and response.json()["error"]["code"] == "method_not_allowed"


def test_health_ready_metrics_and_docs(app_client):
    assert app_client.get("/healthz").json() == {"status": "ok"}
    ready = app_client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["model"]["version"].split("+")[1] in {"onnx-int8", "onnx-cascade", "onnx-fp32"}
    app_client.post("/v1/analyze", files={"file": ("a.vtt", b"")})
    metrics = app_client.get("/metrics").text
    assert 'balance_errors_total{code="empty_transcript"}' in metrics
    assert "balance_http_request_seconds_bucket" in metrics
    assert 'balance_job_queue{status="queued"}' in metrics
    assert app_client.get("/openapi.json").json()["paths"]["/v1/analyze"]["post"]["requestBody"]
    assert app_client.get("/docs").status_code == 200
