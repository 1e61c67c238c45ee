"""End-to-end HTTP benchmark on 127.0.0.1: a uvicorn server in a subprocess, bounded load, then stop.

Prints time-to-ready, median latency of a 60-minute 1:1 (~900 segments) against the same analysis run
in-process (the baseline), throughput and p50/p95 for N concurrent clients posting 15-minute 1:1s for
a fixed time, error count, and the server's RSS afterwards.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import psutil
import typer

from models import corpus
from models.classifier import SegmentClassifier
from pipeline.analyze import AnalysisConfig, Request, analyze_one
from pipeline.ingest import parse
from pipeline.segment import load_nlp
from scripts.synthetic import cues, zoom_vtt

app = typer.Typer(add_completion=False)


def meeting_vtt(minutes: float, offset: int = 0) -> bytes:
    """Corpus turns laid end to end as a Zoom VTT of about `minutes` minutes."""
    transcripts = corpus.load()
    utterances = []
    for u in cues(s for t in transcripts[offset:] + transcripts[:offset] for s in t.segments):
        utterances.append(u)
        if (u.end or 0) + 0.4 >= minutes * 60:
            break
    return zoom_vtt(utterances)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@app.command()
def main(clients: int = 8, seconds: float = 60.0, repeats: int = 7,
         out: Path = typer.Option(Path("artifacts/bench_api.json"))) -> None:
    """Start the server, measure, and stop it."""
    long_meeting, short_meeting = meeting_vtt(60), meeting_vtt(15, offset=40)
    segments = len(parse(long_meeting).utterances)
    nlp, classifier, config = load_nlp(), SegmentClassifier.load(), AnalysisConfig()
    analyze_one(Request(parse(long_meeting)), nlp=nlp, classifier=classifier, config=config)
    in_process = []
    for _ in range(3):
        started = time.perf_counter()
        analysis = analyze_one(Request(parse(long_meeting)), nlp=nlp, classifier=classifier, config=config)
        in_process.append(time.perf_counter() - started)
    port = _free_port()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "BALANCE_MAX_CONCURRENT_ANALYSES": "2"}
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "api.serve:app",
                               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as client:
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.perf_counter() - started > 120:
                    raise RuntimeError("server did not become ready in 120 s")
                time.sleep(0.05)
            ready = time.perf_counter() - started
            latencies = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                response = client.post("/v1/analyze", files={"file": ("m.vtt", long_meeting)})
                response.raise_for_status()
                latencies.append(time.perf_counter() - t0)
        load = _load(base, short_meeting, clients, seconds)
        rss = psutil.Process(server.pid).memory_info().rss / 1e6
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {
        "ready_seconds": round(ready, 2),
        "meeting_60min": {"cues": segments, "segments": len(analysis.segments),
                          "http_median_s": round(statistics.median(latencies), 3),
                          "in_process_median_s": round(statistics.median(in_process), 3),
                          "http_over_in_process": round(statistics.median(latencies) / statistics.median(in_process), 2)},
        "load": load,
        "server_rss_mb_after_load": round(rss, 1),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    typer.echo(json.dumps(result, indent=1))


def _load(base: str, body: bytes, clients: int, seconds: float) -> dict:
    """`clients` threads post back to back until `seconds` pass; every request is counted."""
    latencies: list[float] = []
    errors: list[int] = []
    deadline = time.perf_counter() + seconds

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=120) as client:
            while time.perf_counter() < deadline:
                t0 = time.perf_counter()
                status = client.post("/v1/analyze", files={"file": ("m.vtt", body)}).status_code
                if status == 200:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(latencies) + len(errors),
            "errors": len(errors), "throughput_per_s": round(len(latencies) / elapsed, 2),
            "p50_s": round(_percentile(latencies, 0.5), 3) if latencies else None,
            "p95_s": round(_percentile(latencies, 0.95), 3) if latencies else None}


if __name__ == "__main__":
    app()
