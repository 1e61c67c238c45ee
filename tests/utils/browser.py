"""Screenshots from the browser tests, saved as artifacts for a person to review."""

import base64
from pathlib import Path

SCREENSHOTS = Path(__file__).parents[2] / "artifacts" / "screenshots"


def screenshot(driver, name: str) -> None:
    """The viewport as a person sees it, and the whole page for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))
    size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
    shot = driver.execute_cdp_cmd("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip})
    (SCREENSHOTS / f"{name}-full.png").write_bytes(base64.b64decode(shot["data"]))
