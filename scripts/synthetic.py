"""Corpus transcripts laid out as uploads (timed cues, Zoom VTT), for the benchmarks."""

from collections.abc import Iterable, Iterator

from models.encoding import SegmentInput
from pipeline.schemas import Utterance

WORDS_PER_SECOND = 2.6


def cues(segments: Iterable[SegmentInput], cue_words: int | None = None, gap: float = 0.4) -> Iterator[Utterance]:
    """Timed utterances on one running clock: whole segments, or cut into cues of `cue_words` words as Zoom does."""
    clock = 0.0
    for seg in segments:
        words = seg.text.split()
        step = cue_words or len(words)
        for i in range(0, len(words), step):
            chunk = words[i:i + step]
            length = len(chunk) / WORDS_PER_SECOND
            yield Utterance(speaker=seg.speaker, start=clock, end=clock + length, text=" ".join(chunk))
            clock += length + gap


def timestamp(seconds: float, sep: str = ".") -> str:
    """`hh:mm:ss.mmm` as VTT writes it (SRT: `sep=","`), rounded to the millisecond."""
    hours, rest = divmod(round(seconds * 1000), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{sep}{millis:03d}"


def zoom_vtt(utterances: Iterable[Utterance]) -> bytes:
    """Utterances as a Zoom cloud-recording VTT, the most common upload."""
    text = "\n\n".join(f"{n}\n{timestamp(u.start or 0)} --> {timestamp(u.end or 0)}\n{u.speaker}: {u.text}"
                       for n, u in enumerate(utterances, 1))
    return ("WEBVTT\n\n" + text + "\n").encode()
