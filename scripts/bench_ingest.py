"""Parse + segment speed on a generated 2-hour Zoom transcript (~20,000 words), clean and raw-ASR.

Prints best and median wall time over repeats, peak Python memory (tracemalloc), and the ratio to a
baseline measured in the same process: one spaCy pass over the whole text (the sentencizer floor).
"""

import statistics
import time
import tracemalloc

import typer

from models import corpus
from models.encoding import asr_like
from pipeline.ingest import parse
from pipeline.schemas import Utterance
from pipeline.segment import load_nlp, segment

app = typer.Typer(add_completion=False)


def zoom_vtt(utterances: list[Utterance]) -> bytes:
    """Utterances as a Zoom cloud-recording VTT, the most common upload."""
    def ts(s: float) -> str:
        return f"{int(s // 3600):02d}:{int(s % 3600 // 60):02d}:{s % 60:06.3f}"

    cues = [f"{n}\n{ts(u.start or 0)} --> {ts(u.end or 0)}\n{u.speaker}: {u.text}" for n, u in enumerate(utterances, 1)]
    return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()


def two_hour_meeting(words: int, asr: bool) -> bytes:
    """Corpus speech cut into Zoom-sized cues (about 8 words, 3 s each) until `words` words."""
    utterances: list[Utterance] = []
    clock, total = 0.0, 0
    for t in corpus.load():
        for seg in t.segments:
            tokens = (asr_like(seg.text) if asr else seg.text).split()
            for i in range(0, len(tokens), 8):
                chunk = tokens[i:i + 8]
                utterances.append(Utterance(speaker=seg.speaker, start=clock, end=clock + len(chunk) / 2.6,
                                            text=" ".join(chunk)))
                clock += len(chunk) / 2.6 + 0.2
                total += len(chunk)
            if total >= words:
                return zoom_vtt(utterances)
    return zoom_vtt(utterances)


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
