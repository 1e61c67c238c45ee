"""API keys: every stored-data endpoint needs one, and a key sees only its own organisation."""

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.config import Settings
from api.main import create_app
from api.store import keys
from scripts.keys import app as keys_cli
from tests.conftest import DATA
from tests.utils.jobs import wait_for

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"), worker_poll_seconds=0.05,
                        gong_webhook_key="url-key-0123456789abcdef")
    with TestClient(create_app(settings)) as client:
        with client.app.state.db.session() as session:
            tokens = {org: keys.create_key(session=session, org=org, name="t")[1] for org in ("acme", "globex")}
        yield client, {org: {"Authorization": f"Bearer {raw}"} for org, raw in tokens.items()}


def _analysed(client, headers) -> dict:
    accepted = client.post("/v1/transcripts", files={"file": ("a.vtt", (DATA / "zoom.vtt").read_bytes())},
                           data={"manager": "Dana Ruiz"}, params={"date": "2026-11-02"}, headers=headers)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    wait_for(client.app.state.db, [job_id])
    return client.get(f"/v1/jobs/{job_id}", headers=headers).json()


@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer "])
def test_stored_data_needs_a_valid_key(service, header):
    client, _ = service
    headers = {"Authorization": header} if header else {}
    for path in ("/v1/analyses", "/v1/jobs/x", "/v1/analyses/x"):
        answer = client.get(path, headers=headers)
        assert answer.status_code == 401 and answer.json()["error"]["code"] == "unauthorized"
        assert answer.headers["www-authenticate"] == "Bearer"
    upload = client.post("/v1/transcripts", files={"file": ("a.vtt", b"WEBVTT")}, headers=headers)
    assert upload.status_code == 401


def test_another_organisation_sees_nothing(service):
    client, headers = service
    job = _analysed(client, headers["acme"])
    assert job["status"] == "done"
    done = next(line for line in client.get("/metrics").text.splitlines() if line.startswith('balance_job_queue{status="done"}'))
    assert float(done.split()[-1]) >= 1
    mine = client.get(f"/v1/analyses/{job['analysis_id']}", headers=headers["acme"])
    assert mine.status_code == 200 and mine.json()["manager"] == "Dana Ruiz" and mine.json()["meeting_date"] == "2026-11-02"
    for path in (f"/v1/analyses/{job['analysis_id']}", f"/v1/jobs/{job['id']}"):
        assert client.get(path, headers=headers["globex"]).status_code == 404
    assert client.get("/v1/analyses", headers=headers["globex"]).json() == []
    listed = client.get("/v1/analyses?manager=Dana%20Ruiz", headers=headers["acme"]).json()
    assert [a["id"] for a in listed] == [job["analysis_id"]]


def test_bad_uploads_are_refused_before_anything_is_stored(service):
    client, headers = service
    answer = client.post("/v1/transcripts", files={"file": ("a.vtt", b"WEBVTT\n\n00:01.000 --> 00:00.500\nA: hi\n")},
                         headers=headers["acme"])
    assert answer.status_code == 422 and answer.json()["error"]["code"]
    assert client.post("/v1/transcripts", files={"file": ("a.vtt", b"x")}, params={"date": "soon"},
                       headers=headers["acme"]).status_code == 422


def test_a_revoked_key_stops_working(service):
    client, _ = service
    with client.app.state.db.session() as session:
        key, raw = keys.create_key(session=session, org="acme", name="leaver")
    assert client.get("/v1/analyses", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    with client.app.state.db.session() as session:
        keys.revoke_key(session=session, key_id=key.id)
    assert client.get("/v1/analyses", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_analyze_stays_open_unless_settings_demand_a_key(service, tmp_path):
    client, _ = service
    assert client.post("/v1/analyze", files={"file": ("a.vtt", (DATA / "zoom.vtt").read_bytes())}).status_code == 200
    wrong = client.post("/v1/analyze", files={"file": ("a.vtt", b"x")}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    strict = Settings(environment="test", data_dir=tmp_path, analyze_requires_key=True, worker_enabled=False)
    with TestClient(create_app(strict)) as other:
        assert other.post("/v1/analyze", files={"file": ("a.vtt", b"x")}).status_code == 401


def test_gong_url_key_mode(service):
    client, _ = service
    event = {"callData": {"metaData": {"id": "42"}}}
    assert client.post("/v1/webhooks/gong?key=wrong", json=event).status_code == 401
    assert client.post("/v1/webhooks/gong", json=event).status_code == 401
    assert client.post("/v1/webhooks/gong?key=url-key-0123456789abcdef", json=event).json()["status"] == "queued"


def test_keys_cli_creates_lists_and_revokes(tmp_path, monkeypatch):
    monkeypatch.setenv("BALANCE_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    created = runner.invoke(keys_cli, ["create", "--org", "acme", "--name", "ops"])
    assert created.exit_code == 0, created.output
    raw = created.output.strip().splitlines()[-1]
    assert raw.startswith(keys.PREFIX)
    listed = runner.invoke(keys_cli, ["list"])
    assert "acme" in listed.output and raw not in listed.output
    assert runner.invoke(keys_cli, ["revoke", raw[:10]]).exit_code == 0
    assert runner.invoke(keys_cli, ["revoke", raw[:10]]).exit_code == 1
    dev = runner.invoke(keys_cli, ["dev"])
    assert dev.exit_code == 0 and runner.invoke(keys_cli, ["dev"]).output == dev.output, "the dev key is made once"
