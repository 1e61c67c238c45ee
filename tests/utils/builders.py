"""Builders for labelled segments, so profile tests read as the meeting they describe."""

from pipeline.schemas import Segment


def seg(index: int, speaker: str, start: float | None, end: float | None, text: str, label: str) -> Segment:
    return Segment(index=index, speaker=speaker, start=start, end=end, text=text, label=label, confidence=0.9)


def timed(rows: list[tuple[str, float, float, str, str]]) -> list[Segment]:
    return [seg(i, who, a, b, text, label) for i, (who, a, b, text, label) in enumerate(rows)]


def untimed(rows: list[tuple[str, str, str]]) -> list[Segment]:
    return [seg(i, who, None, None, text, label) for i, (who, text, label) in enumerate(rows)]
