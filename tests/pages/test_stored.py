"""Stored reports in the browser's terms: login cookie, organisation walls, share links, downloads, trends."""

import datetime as dt
import time

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from api.store import analyses, keys
from tests.utils.builders import stored_analysis

pytestmark = pytest.mark.model
BASE = "https://testserver"


def _weekly(org: str, rep: str, deal_shares: list[float]) -> list[tuple]:
    """One stored 1:1 a week, deal status taking the given share of a 100-second meeting."""
    out = []
    for week, deal in enumerate(deal_shares):
        rows = [("Dana", 0, 100 * deal, "The Acme renewal is at stage four.", "deal-status"),
                (rep, 100 * deal, 100, "Honestly I've been tired lately.", "rapport")]
        out.append((org, f"{org}-{rep}-{week}", rep, dt.date(2026, 9, 7) + dt.timedelta(weeks=week), rows))
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"), worker_enabled=False)
    app = create_app(settings)
    with TestClient(app, base_url=BASE):
        with app.state.db.session() as session:
            raw = {org: keys.create_key(session=session, org=org, name="t")[1] for org in ("acme", "globex")}
            meetings = _weekly("acme", "Sam", [0.3, 0.3, 0.3, 0.5, 0.6, 0.7]) + _weekly("globex", "Kim", [0.2])
            for org, aid, rep, day, rows in meetings:
                transcript = analyses.save_transcript(session=session, org=org, source="upload", format="text", raw=b"-",
                                                      manager="Dana", rep=rep, meeting_date=day)
                analyses.save_analysis(session=session, analysis=stored_analysis(aid, rows), transcript=transcript, job_id=None)
        yield app, raw


def _browser(app, raw: str | None = None) -> TestClient:
    client = TestClient(app, base_url=BASE, follow_redirects=False)
    if raw:
        answer = client.post("/login", data={"api_key": raw, "next": "/reports"})
        assert answer.status_code == 303 and answer.headers["location"] == "/reports"
        cookie = answer.headers["set-cookie"].lower()
        assert "httponly" in cookie and "secure" in cookie and "samesite=lax" in cookie
    return client


def test_pages_over_stored_data_send_strangers_to_login(site):
    app, _ = site
    anonymous = _browser(app)
    for path in ("/reports", "/reports/acme-Sam-0", "/trends?role=rep&name=Sam"):
        answer = anonymous.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login?next=/")
    assert anonymous.get("/reports/acme-Sam-0.json").status_code == 404
    refused = anonymous.post("/login", data={"api_key": "bal_wrong", "next": "/reports"})
    assert refused.status_code == 401 and "unknown or revoked" in refused.text


def test_login_never_redirects_off_site(site):
    app, raw = site
    client = TestClient(app, base_url=BASE, follow_redirects=False)
    for target in ("//evil.example/x", "https://evil.example", "/\\evil.example"):
        answer = client.post("/login", data={"api_key": raw["acme"], "next": target})
        assert answer.headers["location"] == "/reports"


def test_an_organisation_sees_only_its_own_reports(site):
    app, raw = site
    acme = _browser(app, raw["acme"])
    listing = acme.get("/reports").text
    assert "/reports/acme-Sam-5" in listing and "globex" not in listing
    assert acme.get("/reports/globex-Kim-0").status_code == 404
    assert acme.get("/reports/globex-Kim-0.json").status_code == 404
    assert acme.get("/reports/acme-Sam-0").status_code == 200
    body = acme.get("/reports/acme-Sam-0.json").json()
    assert body["id"] == "acme-Sam-0" and body["rep"] == "Sam" and body["meeting_date"] == "2026-09-07"
    csv_text = acme.get("/reports/acme-Sam-0.csv").text
    assert csv_text.splitlines()[0] == "index,speaker,start,end,label,confidence,text"


def test_share_links_open_one_report_until_they_expire(site):
    app, raw = site
    page = _browser(app, raw["acme"]).post("/reports/acme-Sam-1/share").text
    link = page.split('id="share-link"')[1].split('value="')[1].split('"')[0].replace("&amp;", "&")
    token = link.split("share=")[1]
    stranger = _browser(app)
    assert stranger.get(link.removeprefix(BASE)).status_code == 200
    assert stranger.get(f"/reports/acme-Sam-1.json?share={token}").json()["id"] == "acme-Sam-1"
    assert stranger.get(f"/reports/acme-Sam-2?share={token}").status_code == 303, "a link opens its own report only"
    assert stranger.get(f"/reports/acme-Sam-1?share={token[:-2]}xx").status_code == 303
    short = Settings(environment="test", data_dir=app.state.settings.data_dir, worker_enabled=False, share_link_days=1 / 86400)
    with TestClient(create_app(short), base_url=BASE, follow_redirects=False) as later:
        time.sleep(2.1)
        assert later.get(link.removeprefix(BASE)).status_code == 303


def test_revoking_the_key_logs_the_browser_out(site):
    app, _ = site
    with app.state.db.session() as session:
        key, raw = keys.create_key(session=session, org="acme", name="leaver")
    browser = _browser(app, raw)
    assert browser.get("/reports").status_code == 200
    with app.state.db.session() as session:
        keys.revoke_key(session=session, key_id=key.id)
    assert browser.get("/reports").status_code == 303


def test_trends_show_weekly_shares_and_deal_review_creep(site):
    app, raw = site
    page = _browser(app, raw["acme"]).get("/trends?role=rep&name=Sam").text
    assert page.count("data-week=") >= 6
    assert 'id="creep"' in page and "creep" in page.lower()
    assert _browser(app, raw["globex"]).get("/trends?role=rep&name=Sam").text.count("data-week=") == 0


def test_upload_page_follows_the_analyze_key_setting(tmp_path):
    strict = Settings(environment="test", data_dir=tmp_path, worker_enabled=False, analyze_requires_key=True)
    app = create_app(strict)
    with TestClient(app, base_url=BASE, follow_redirects=False) as client:
        with app.state.db.session() as session:
            raw = keys.create_key(session=session, org="acme", name="t")[1]
        assert client.get("/").headers["location"] == "/login?next=/"
        assert client.post("/report", files={"file": ("a.vtt", b"x")}).status_code == 303
        client.post("/login", data={"api_key": raw, "next": "/"})
        assert client.get("/").status_code == 200
