"""Report page speed: render_report and the segments CSV on a long 1:1 (~900 segments), analysed once.

The meeting is corpus 1:1s laid end to end as two people talking; at the corpus's pace, 900 turns are about an
hour and a half of talk, a long 1:1 at the top of what the page should handle.

Prints best and median milliseconds over N runs, the HTML size, and the ratio to a baseline measured in the
same process: `analysis.model_dump_json()`, the work the JSON API already does for the same analysis.
"""

import statistics
import time
from collections.abc import Callable

import typer

from api.pages.render import render_report, segments_csv
from models import corpus
from models.classifier import SegmentClassifier
from models.encoding import SegmentInput
from pipeline.analyze import AnalysisConfig, Request, analyze_one
from pipeline.ingest import parse
from pipeline.schemas import Analysis
from pipeline.segment import load_nlp
from scripts.synthetic import cues, zoom_vtt

app = typer.Typer(add_completion=False)
TARGET_MS = 300.0
PEOPLE = ("Dana Ruiz", "Sam Lee")


def one_on_one(segments: int) -> bytes:
    """Corpus 1:1s laid end to end as one Zoom VTT between the same two people, about `segments` turns long."""
    turns: list[SegmentInput] = []
    for transcript in corpus.load():
        people = dict(zip(dict.fromkeys(s.speaker for s in transcript.segments), PEOPLE, strict=False))
        turns.extend(SegmentInput(people.get(s.speaker, s.speaker), s.text) for s in transcript.segments)
        if len(turns) >= segments:
            break
    return zoom_vtt(cues(turns[:segments]))


def long_meeting(segments: int) -> Analysis:
    """The real pipeline (segmenter, classifier, profile) on one long 1:1, run once."""
    request = Request(parse(one_on_one(segments)), manager=PEOPLE[0], rep=PEOPLE[1])
    return analyze_one(request, nlp=load_nlp(), classifier=SegmentClassifier.load(), config=AnalysisConfig())


def _timed(fn: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _line(name: str, times: list[float], baseline: float) -> str:
    return (f"{name:8s} best {min(times):7.1f} ms, median {statistics.median(times):7.1f} ms "
            f"(x{min(times) / baseline:.1f} the JSON baseline)")


@app.command()
def main(segments: int = 900, runs: int = 20) -> None:
    """Analyse one long meeting, then time the report page and the CSV against model_dump_json."""
    analysis = long_meeting(segments)
    render_report(analysis)
    baseline = _timed(analysis.model_dump_json, runs)
    html = _timed(lambda: render_report(analysis), runs)
    table = _timed(lambda: segments_csv(analysis), runs)
    size = len(render_report(analysis).encode())
    typer.echo(f"meeting: {(analysis.duration_seconds or 0) / 60:.0f} min, {len(analysis.segments)} segments, "
               f"{sum(len(s.text.split()) for s in analysis.segments)} words, {len(analysis.speakers)} speakers")
    typer.echo(f"{'json':8s} best {min(baseline):7.1f} ms, median {statistics.median(baseline):7.1f} ms (baseline)")
    typer.echo(_line("report", html, min(baseline)))
    typer.echo(_line("csv", table, min(baseline)))
    verdict = "under" if statistics.median(html) < TARGET_MS else "OVER"
    typer.echo(f"report HTML {size / 1e3:.0f} kB; median render {verdict} the {TARGET_MS:.0f} ms target")


if __name__ == "__main__":
    app()
