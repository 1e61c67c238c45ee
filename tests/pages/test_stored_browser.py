"""Stored reports in a real browser: uploads through the API, login with a key, reports, a share link, trends."""

import time
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from api.pages.render import headline
from api.store import keys
from pipeline.schemas import Analysis
from tests.utils.browser import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]
EXAMPLES = Path(__file__).parents[2] / "examples"
MANAGER, REP = "Nomvula Dlamini", "Jake Patterson"
MEETINGS = (("zoom.vtt", "2026-10-12"), ("teams.vtt", "2026-10-19"), ("sample.srt", "2026-10-26"))


@pytest.fixture(scope="module")
def stored(live) -> tuple[str, list[str]]:
    """An API key and three 1:1s uploaded through POST /v1/transcripts and analysed by the worker."""
    base, app = live
    with app.state.db.session() as session:
        raw = keys.create_key(session=session, org="acme", name="browser")[1]
    auth = {"Authorization": f"Bearer {raw}"}
    jobs = [httpx.post(f"{base}/v1/transcripts", params={"date": day}, headers=auth, timeout=60, data={"manager": MANAGER},
                       files={"file": (name, (EXAMPLES / name).read_bytes())}).json()["job_id"] for name, day in MEETINGS]
    deadline, done = time.monotonic() + 90, []
    while len(done) < len(jobs) and time.monotonic() < deadline:
        done = [j for j in (httpx.get(f"{base}/v1/jobs/{j}", headers=auth).json() for j in jobs) if j["status"] == "done"]
        time.sleep(0.2)
    assert len(done) == len(jobs), "the worker did not finish the uploads"
    return raw, [j["analysis_id"] for j in done]


def _log_in(driver, base: str, raw: str, path: str = "/reports") -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}{path}")
    assert driver.find_element(By.ID, "login"), "a stranger is sent to the login page"
    form = driver.find_element(By.ID, "login")
    driver.find_element(By.ID, "api_key").send_keys(raw)
    driver.find_element(By.CSS_SELECTOR, "#login button").click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(form))
    assert driver.current_url.removeprefix(base) == path


def test_login_then_reports_then_one_report(browser, live, stored):
    (base, _), (raw, analysis_ids) = live, stored
    _log_in(browser, base, raw)
    cookie = next(c for c in browser.get_cookies() if c["name"] == "balance_session")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Lax"
    links = browser.find_elements(By.CSS_SELECTOR, "#reports a.report-link")
    assert sorted(a.get_attribute("href").rsplit("/", 1)[-1] for a in links) == sorted(analysis_ids)
    screenshot(browser, "reports-desktop")
    links[0].click()
    WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "headline")))
    shown_id = browser.current_url.rsplit("/", 1)[-1]
    api = httpx.get(f"{base}/v1/analyses/{shown_id}", headers={"Authorization": f"Bearer {raw}"}).json()
    assert browser.find_element(By.ID, "headline").text == headline(Analysis.model_validate(api).profile)


def test_a_share_link_opens_the_report_without_a_login(browser, live, stored):
    (base, _), (raw, analysis_ids) = live, stored
    _log_in(browser, base, raw, f"/reports/{analysis_ids[0]}")
    browser.find_element(By.CSS_SELECTOR, "#share button").click()
    link = WebDriverWait(browser, 30).until(expected_conditions.presence_of_element_located((By.ID, "share-link")))
    url = link.get_attribute("value")
    screenshot(browser, "stored-report-desktop")
    browser.delete_all_cookies()
    browser.get(url)
    assert browser.find_element(By.ID, "headline").text
    assert browser.find_elements(By.ID, "share") == [], "a shared view cannot make further links"
    browser.get(url.replace(analysis_ids[0], analysis_ids[1]))
    assert browser.find_elements(By.ID, "login"), "the link opens its own report only"


def test_trends_page_for_the_rep(browser, live, stored):
    (base, _), (raw, _) = live, stored
    _log_in(browser, base, raw, "/trends?role=rep&name=Jake%20Patterson")
    weeks = [row.get_attribute("data-week") for row in browser.find_elements(By.CSS_SELECTOR, "#weeks tbody tr")]
    assert weeks == ["2026-W42", "2026-W43", "2026-W44"]
    series = {line.get_attribute("data-series") for line in browser.find_elements(By.CSS_SELECTOR, "polyline")}
    assert {"deal-status", "coaching", "goals", "rapport"} <= series and len(series) == 5
    screenshot(browser, "trends-desktop")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 390, "height": 844, "deviceScaleFactor": 2,
                                                                    "mobile": True})
    try:
        browser.refresh()
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot(browser, "trends-phone")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
