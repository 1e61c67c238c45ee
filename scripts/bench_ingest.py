"""Parse + segment speed on a generated 2-hour Zoom transcript (~20,000 words), clean and raw-ASR.

Prints best and median wall time over repeats, peak Python memory (tracemalloc), and the ratio to a
baseline measured in the same process: one spaCy pass over the whole text (the sentencizer floor).
"""

import statistics
import time
import tracemalloc

import typer

from models import corpus
from models.encoding import SegmentInput, asr_like
from pipeline.ingest import parse
from pipeline.segment import load_nlp, segment
from scripts.synthetic import cues, zoom_vtt

app = typer.Typer(add_completion=False)


def two_hour_meeting(words: int, asr: bool) -> bytes:
    """Corpus speech cut into Zoom-sized cues (about 8 words, 3 s each), whole segments until `words` words."""
    segments, total = [], 0
    for seg in (s for t in corpus.load() for s in t.segments):
        text = asr_like(seg.text) if asr else seg.text
        segments.append(SegmentInput(seg.speaker, text))
        total += len(text.split())
        if total >= words:
            break
    return zoom_vtt(cues(segments, cue_words=8, gap=0.2))


def _timed(fn, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


@app.command()
def main(words: int = 20_000, repeat: int = 5) -> None:
    """Time parse+segment on clean and ASR-style 2-hour transcripts."""
    nlp = load_nlp()
    for asr in (False, True):
        data = two_hour_meeting(words, asr)
        transcript = parse(data)
        text = " ".join(u.text for u in transcript.utterances)
        baseline = _timed(lambda: nlp(text), repeat)  # noqa: B023
        runs = _timed(lambda: segment(nlp, [parse(data)]), repeat)  # noqa: B023
        tracemalloc.start()
        segments = segment(nlp, [parse(data)])[0]
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        lengths = [len(s.text.split()) for s in segments]
        typer.echo(
            f"{'asr' if asr else 'clean':5s}: {len(data) / 1e6:.2f} MB, {len(transcript.utterances)} cues, "
            f"{len(text.split())} words -> {len(segments)} segments (median {statistics.median(lengths)} words, "
            f"max {max(lengths)}); parse+segment best {min(runs):.3f} s, median {statistics.median(runs):.3f} s; "
            f"peak traced memory {peak / 1e6:.1f} MB; spaCy-only floor {min(baseline):.3f} s "
            f"(ratio {min(runs) / min(baseline):.2f})"
        )


if __name__ == "__main__":
    app()
