"""Overload: excess concurrent analyses are refused with 503 + Retry-After, and health stays up."""

import threading
import time

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.main import create_app
from pipeline.schemas import Utterance
from tests.utils.render import render


@pytest.mark.model
def test_excess_load_gets_503_and_health_answers_meanwhile():
    utts = [Utterance(speaker="AB"[i % 2], start=i * 5.0, end=i * 5.0 + 4.5,
                      text="so where are we with the acme renewal and what did legal say about the redlines " * 2)
            for i in range(400)]
    data = render("zoom-vtt", utts)
    settings = Settings(max_concurrent_analyses=1, max_waiting_analyses=0)
    with TestClient(create_app(settings)) as client:
        statuses: list[int] = []
        headers: list[str | None] = []

        def post() -> None:
            response = client.post("/v1/analyze", files={"file": ("m.vtt", data)})
            statuses.append(response.status_code)
            headers.append(response.headers.get("retry-after"))

        threads = [threading.Thread(target=post) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.3)
        assert client.get("/healthz").status_code == 200
        finished_before_health = statuses.count(200)
        for t in threads:
            t.join(timeout=120)
    assert finished_before_health == 0, "health waited for the analysis: it must run off the event loop"
    assert statuses.count(200) == 1 and statuses.count(503) == 2
    assert all(h == "5" for s, h in zip(statuses, headers, strict=True) if s == 503)
