"""Inline SVG charts for the report: pure functions from numbers to markup, every piece of text escaped.

The SVGs stretch to their container (viewBox, width 100%, preserveAspectRatio none), so they carry no
text of their own that could shrink to nothing on a phone: labels, percentages and axis ticks are HTML
beside them, and each shape carries a `<title>` tooltip.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape

from models.labels import LABELS
from pipeline.schemas import Segment

WIDTH = 1000
LANE_HEIGHT = 24
NAMES = {"deal-status": "deal status", "coaching": "coaching", "goals": "goals", "rapport": "rapport"}
# Okabe–Ito, safe for the common colour-vision deficiencies; ink is the text colour with at least 4.5:1 contrast.
FILLS = {"deal-status": "#D55E00", "coaching": "#0072B2", "goals": "#009E73", "rapport": "#CC79A7"}
INKS = {"deal-status": "#ffffff", "coaching": "#ffffff", "goals": "#000000", "rapport": "#000000"}
UNKNOWN_FILL, UNKNOWN_INK = "#999999", "#000000"
MINUTE_STEPS = (1, 2, 5, 10, 15, 20, 30, 60, 120)
WORD_STEPS = (50, 100, 250, 500, 1000, 2500, 5000, 10000)
MAX_TICKS = 7


@dataclass(frozen=True)
class Lane:
    """One speaker's row of the timeline ribbon."""

    speaker: str
    svg: str


@dataclass(frozen=True)
class Tick:
    """An axis mark: where it sits (percent of the width) and what it reads."""

    percent: float
    text: str


@dataclass(frozen=True)
class Timeline:
    """The ribbon's lanes and the axis marks they share."""

    lanes: list[Lane]
    ticks: list[Tick]


def name(label: str | None) -> str:
    """The label as a reader says it ("deal status", not "deal-status")."""
    return NAMES.get(label or "", label or "unlabelled")


def fill(label: str | None) -> str:
    """The label's colour, grey for a label this palette does not know yet."""
    return FILLS.get(label or "", UNKNOWN_FILL)


def ink(label: str | None) -> str:
    """The text colour that stays readable on the label's colour."""
    return INKS.get(label or "", UNKNOWN_INK)


def clock(seconds: float | None) -> str:
    """Meeting time as m:ss (h:mm:ss past an hour), the way recorders print it."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def percent(share: float) -> str:
    """A share as a whole percentage, the precision a reader acts on."""
    return f"{round(share * 100)}%"


def ordered(labels: Iterable[str]) -> list[str]:
    """The fixed label order first, then any label this page does not know, so colours and bars line up."""
    present = list(labels)
    return [label for label in LABELS if label in present] + [label for label in present if label not in LABELS]


def _svg(body: str, height: int, label: str, css: str) -> str:
    return (f'<svg class="{css}" viewBox="0 0 {WIDTH} {height}" width="100%" height="{height}" '
            f'preserveAspectRatio="none" role="img" aria-label="{escape(label)}">{body}</svg>')


def share_bar(shares: Mapping[str, float], *, height: int = 36, label: str = "Share per label") -> str:
    """A stacked bar of label shares in the fixed label order, so bars compare across meetings and speakers."""
    parts, x = [], 0.0
    for key in ordered(shares):
        share = shares.get(key, 0.0)
        if share <= 0:
            continue
        width = share * WIDTH
        parts.append(f'<rect x="{x:.2f}" y="0" width="{width:.2f}" height="{height}" fill="{fill(key)}" '
                     f'data-label="{escape(key)}" data-share="{share}"><title>{escape(name(key))}: {percent(share)}'
                     "</title></rect>")
        x += width
    return _svg("".join(parts), height, label, "share-bar")


def positions(segments: Sequence[Segment], basis: str) -> list[tuple[float, float]]:
    """Each segment's span on the x axis: seconds on the clock, or running word counts without timings."""
    spans, words = [], 0.0
    for seg in segments:
        count = len(seg.text.split())
        if basis == "time" and seg.start is not None and seg.end is not None:
            spans.append((seg.start, seg.end))
        else:
            spans.append((words, words + count))
        words += count
    return spans


def ticks(extent: float, basis: str) -> list[Tick]:
    """Round-numbered axis marks, at most MAX_TICKS of them, in minutes (or words without timings)."""
    if basis == "time":
        step = next((m for m in MINUTE_STEPS if extent / (m * 60) <= MAX_TICKS), MINUTE_STEPS[-1]) * 60
    else:
        step = next((w for w in WORD_STEPS if extent / w <= MAX_TICKS), WORD_STEPS[-1])
    marks, at = [], 0.0
    while at <= extent:
        text = f"{round(at / 60)} min" if basis == "time" else f"{round(at)} words"
        marks.append(Tick(round(100 * at / extent, 3) if extent else 0.0, text))
        at += step
    return marks


def _segment_rect(seg: Segment, span: tuple[float, float], scale: float, basis: str) -> str:
    a, b = span
    where = f"{clock(a)}–{clock(b)}" if basis == "time" else f"words {round(a)}–{round(b)}"
    return (f'<rect class="seg" x="{a * scale:.2f}" y="0" width="{(b - a) * scale:.2f}" height="{LANE_HEIGHT}" '
            f'fill="{fill(seg.label)}" data-label="{escape(seg.label or "")}" data-index="{seg.index}">'
            f"<title>{escape(seg.speaker)}, {escape(name(seg.label))}, {where}</title></rect>")


def timeline(segments: Sequence[Segment], speakers: Sequence[str], basis: str) -> Timeline:
    """One ribbon lane per speaker, each segment a rect coloured by its label, on a shared x scale."""
    spans = positions(segments, basis)
    extent = max((b for _, b in spans), default=0.0) or 1.0
    marks = ticks(extent, basis)
    scale = WIDTH / extent
    grid = "".join(f'<line class="tick" x1="{t.percent * WIDTH / 100:.2f}" x2="{t.percent * WIDTH / 100:.2f}" y1="0" '
                   f'y2="{LANE_HEIGHT}" vector-effect="non-scaling-stroke"/>' for t in marks)
    lanes = []
    for speaker in (*speakers, *(s for s in dict.fromkeys(seg.speaker for seg in segments) if s not in speakers)):
        rects = "".join(_segment_rect(seg, span, scale, basis)
                        for seg, span in zip(segments, spans, strict=True) if seg.speaker == speaker)
        body = f'<rect class="lane-bg" x="0" y="0" width="{WIDTH}" height="{LANE_HEIGHT}"/>{grid}{rects}'
        lanes.append(Lane(speaker, _svg(body, LANE_HEIGHT, f"What {speaker} talked about, over the meeting", "ribbon")))
    return Timeline(lanes, marks)
