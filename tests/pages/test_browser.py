"""The report pages in a real browser: Debian's chromium, driven by Selenium, against the app under uvicorn."""

import csv
import io
from pathlib import Path

import httpx
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from api.pages.render import headline
from pipeline.schemas import Analysis
from tests.utils.browser import SCREENSHOTS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.model]

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "zoom.vtt"
MANAGER = "Nomvula Dlamini"
HOSTILE_SPEECH = "<script>alert(1)</script>"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def api_analysis(server) -> Analysis:
    """The same file through the JSON API: the figures the page must show."""
    response = httpx.post(f"{server}/v1/analyze", files={"file": (EXAMPLE.name, EXAMPLE.read_bytes())},
                          data={"manager": MANAGER}, timeout=60)
    assert response.status_code == 200, response.text
    return Analysis.model_validate(response.json())


def upload(driver, server: str, path: Path, manager: str = "") -> None:
    driver.get(f"{server}/")
    driver.find_element(By.ID, "file").send_keys(str(path.resolve()))
    driver.find_element(By.ID, "manager").send_keys(manager)
    driver.find_element(By.ID, "submit").click()
    WebDriverWait(driver, 60).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "#headline, #error")))


def test_upload_shows_the_same_figures_as_the_api(browser, server, api_analysis):
    upload(browser, server, EXAMPLE, MANAGER)
    profile = api_analysis.profile
    assert browser.find_element(By.ID, "headline").text == headline(profile)
    shown = {li.get_attribute("data-label"): li for li in browser.find_elements(By.CSS_SELECTOR, "#shares li")}
    assert set(shown) == set(profile.labels)
    for label, stats in profile.labels.items():
        assert float(shown[label].get_attribute("data-share")) == stats.share
        assert f"{round(stats.share * 100)}%" in shown[label].text
    people = browser.find_element(By.ID, "people-share")
    assert float(people.get_attribute("data-share")) == profile.people_share
    assert f"{round(profile.people_share * 100)}%" in people.text
    flags = [li.get_attribute("data-code") for li in browser.find_elements(By.CSS_SELECTOR, "#flags li")]
    assert flags == [f.code for f in profile.flags]


def test_a_dropped_file_is_uploaded_like_a_chosen_one(browser, server, api_analysis):
    browser.get(f"{server}/")
    browser.execute_script("""
        const data = new DataTransfer();
        data.items.add(new File([arguments[0]], "dropped.vtt", {type: "text/vtt"}));
        document.getElementById("drop-zone").dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true}));
    """, EXAMPLE.read_text())
    assert browser.find_element(By.CSS_SELECTOR, "#drop-zone .file-name").text == "dropped.vtt"
    browser.find_element(By.ID, "manager").send_keys(MANAGER)
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 60).until(expected_conditions.presence_of_element_located((By.ID, "headline")))
    assert browser.find_element(By.ID, "headline").text == headline(api_analysis.profile)


def test_timeline_has_a_lane_per_speaker_and_a_rect_per_segment(browser, server, api_analysis):
    upload(browser, server, EXAMPLE, MANAGER)
    lanes = browser.find_elements(By.CSS_SELECTOR, "#timeline .lane")
    assert [lane.get_attribute("data-speaker") for lane in lanes] == [s.name for s in api_analysis.speakers]
    for lane in lanes:
        rects = lane.find_elements(By.CSS_SELECTOR, "rect.seg")
        assert len(rects) == sum(s.speaker == lane.get_attribute("data-speaker") for s in api_analysis.segments)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#timeline rect.seg")) == len(api_analysis.segments)


def test_label_filter_keeps_only_that_labels_rows(browser, server, api_analysis):
    upload(browser, server, EXAMPLE, MANAGER)
    visible = "return [...document.querySelectorAll('#segments tbody tr')].filter(r => r.offsetParent).map(r => r.dataset.label)"
    assert len(browser.execute_script(visible)) == len(api_analysis.segments)
    browser.find_element(By.CSS_SELECTOR, "#label-filter input[value=coaching]").click()
    shown = browser.execute_script(visible)
    assert shown == ["coaching"] * api_analysis.profile.labels["coaching"].segments
    browser.find_element(By.CSS_SELECTOR, "#label-filter input[value=all]").click()
    assert len(browser.execute_script(visible)) == len(api_analysis.segments)


def test_downloads_carry_the_analysis_and_its_segments(browser, server, api_analysis):
    upload(browser, server, EXAMPLE, MANAGER)
    fetch = "const done = arguments[1]; fetch(arguments[0].href).then(r => r.text()).then(done);"
    body = browser.execute_async_script(fetch, browser.find_element(By.ID, "download-json"))
    downloaded = Analysis.model_validate_json(body)
    assert downloaded.profile == api_analysis.profile
    assert [s.text for s in downloaded.segments] == [s.text for s in api_analysis.segments]
    table = browser.execute_async_script(fetch, browser.find_element(By.ID, "download-csv"))
    rows = list(csv.DictReader(io.StringIO(table)))
    assert [r["text"] for r in rows] == [s.text for s in api_analysis.segments]


def test_hostile_transcript_renders_as_text(browser, server, tmp_path):
    path = tmp_path / "hostile.txt"
    path.write_text(f"{HOSTILE_SPEECH}: Hi, how are you doing this week? {HOSTILE_NAME}\n"
                    f"{HOSTILE_NAME}: Fine thanks. {HOSTILE_SPEECH} Acme is committed for the 30th.\n"
                    f"{HOSTILE_SPEECH}: Great. When they pushed back on price, what did you say?\n"
                    f"{HOSTILE_NAME}: I asked what the discount would buy us.\n")
    upload(browser, server, path)
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert  # noqa: B018
    assert browser.find_elements(By.TAG_NAME, "img") == []
    scripts = browser.find_elements(By.TAG_NAME, "script")
    assert sorted(s.get_attribute("id") or s.get_attribute("src").rsplit("/", 1)[-1] for s in scripts) == [
        "analysis-json", "report.js", "segments-csv"]
    names = [lane.get_attribute("data-speaker") for lane in browser.find_elements(By.CSS_SELECTOR, "#timeline .lane")]
    assert sorted(names) == sorted([HOSTILE_SPEECH, HOSTILE_NAME])
    said = browser.find_element(By.ID, "segments").text
    assert HOSTILE_SPEECH in said and HOSTILE_NAME in said


def test_bad_upload_shows_the_form_again_with_the_error(browser, server, tmp_path):
    path = tmp_path / "empty.vtt"
    path.write_bytes(b"")
    upload(browser, server, path, "Dana")
    assert "empty" in browser.find_element(By.ID, "error").text.lower()
    assert browser.find_element(By.ID, "manager").get_attribute("value") == "Dana"
    response = httpx.post(f"{server}/report", files={"file": ("a.bin", bytes(range(256)) * 8)}, timeout=60)
    assert response.status_code == 422 and response.headers["content-type"].startswith("text/html")
    assert 'id="error"' in response.text
    response = httpx.post(f"{server}/report", content=b"hello", headers={"content-type": "text/plain"}, timeout=60)
    assert response.status_code == 415 and 'id="error"' in response.text


def test_report_fits_desktop_and_phone_screens(browser, server):
    browser.get(f"{server}/")
    screenshot(browser, "upload-desktop")
    upload(browser, server, EXAMPLE, MANAGER)
    screenshot(browser, "report-desktop")
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    try:
        browser.get(f"{server}/")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot(browser, "upload-phone")
        upload(browser, server, EXAMPLE, MANAGER)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
        screenshot(browser, "report-phone")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert all((SCREENSHOTS / f"{name}.png").stat().st_size > 10_000 for name in ("report-desktop", "report-phone"))
