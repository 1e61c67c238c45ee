"""Inline SVG charts for the report: pure functions from numbers to markup, every piece of text escaped.

The bars and ribbons stretch to their container (viewBox, width 100%, preserveAspectRatio none), so they carry
no text of their own that could shrink to nothing on a phone: labels, percentages and axis ticks are HTML
beside them, and each shape carries a `<title>` tooltip. The weekly trend chart keeps its aspect ratio and
labels its own lines (report.css enlarges that text on narrow screens), because a line chart read without
labels at the line ends falls back on colour alone.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from itertools import pairwise

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
PEOPLE_SERIES, PEOPLE_STROKE = "people_share", "#1b1f24"
CHART_WIDTH, CHART_HEIGHT = 480, 280
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 38, 120, 12, 30
PERCENT_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_WEEK_LABELS = 5
END_LABEL_GAP = 18


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


def series_name(key: str) -> str:
    """A trend line's name as a reader says it: a label's name, or "people share"."""
    return "people share" if key == PEOPLE_SERIES else name(key)


def _chart_x(count: int) -> list[float]:
    plot = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    return [CHART_LEFT + plot / 2] if count == 1 else [CHART_LEFT + i * plot / (count - 1) for i in range(count)]


def _chart_y(share: float) -> float:
    return CHART_TOP + (1 - min(max(share, 0.0), 1.0)) * (CHART_HEIGHT - CHART_TOP - CHART_BOTTOM)


def spread(ys: Sequence[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights pushed at least `gap` apart within [low, high], so lines that end together keep readable labels."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    out = [min(max(y, low), high) for y in ys]
    for before, after in pairwise(order):
        out[after] = max(out[after], out[before] + gap)
    if order and out[order[-1]] > high:
        out[order[-1]] = high
        for after, before in pairwise(order[::-1]):
            out[before] = min(out[before], out[after] - gap)
    return out


def _chart_axes(weeks: Sequence[str], xs: Sequence[float]) -> str:
    right, bottom = CHART_WIDTH - CHART_RIGHT, CHART_HEIGHT - CHART_BOTTOM
    grid = "".join(f'<line class="grid" x1="{CHART_LEFT}" x2="{right}" y1="{_chart_y(p):.1f}" y2="{_chart_y(p):.1f}"/>'
                   f'<text class="axis-label" x="{CHART_LEFT - 6}" y="{_chart_y(p):.1f}" text-anchor="end" '
                   f'dominant-baseline="middle">{percent(p)}</text>' for p in PERCENT_GRID)
    step = math.ceil(len(weeks) / MAX_WEEK_LABELS)
    marks = "".join(f'<text class="axis-label week" x="{x:.1f}" y="{bottom + 18}" text-anchor="middle">{escape(week)}</text>'
                    for i, (week, x) in enumerate(zip(weeks, xs, strict=True)) if (len(weeks) - 1 - i) % step == 0)
    return grid + marks


def _chart_line(key: str, values: Sequence[float], weeks: Sequence[str], xs: Sequence[float]) -> str:
    people = key == PEOPLE_SERIES
    colour, width, radius = (PEOPLE_STROKE, 4, 4.5) if people else (fill(key), 2.5, 3.5)
    points = " ".join(f"{x:.1f},{_chart_y(v):.1f}" for x, v in zip(xs, values, strict=True))
    dots = "".join(f'<circle cx="{x:.1f}" cy="{_chart_y(v):.1f}" r="{radius}" fill="{colour}">'
                   f"<title>{escape(series_name(key))}, {escape(week)}: {percent(v)}</title></circle>"
                   for x, v, week in zip(xs, values, weeks, strict=True))
    return (f'<polyline class="line" data-series="{escape(key)}" points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{width}" stroke-linejoin="round" stroke-linecap="round"/>{dots}')


def _chart_labels(series: Mapping[str, Sequence[float]], end: float) -> str:
    keys = [key for key, values in series.items() if values]
    ends = [_chart_y(series[key][-1]) for key in keys]
    placed = spread(ends, END_LABEL_GAP, CHART_TOP, CHART_HEIGHT - CHART_BOTTOM)
    return "".join(
        f'<line class="leader" x1="{end + 6:.1f}" y1="{y:.1f}" x2="{end + 14:.1f}" y2="{at:.1f}" '
        f'stroke="{PEOPLE_STROKE if key == PEOPLE_SERIES else fill(key)}" stroke-width="2"/>'
        f'<text class="end-label{" people" if key == PEOPLE_SERIES else ""}" data-series="{escape(key)}" x="{end + 17:.1f}" '
        f'y="{at:.1f}" dominant-baseline="middle">{escape(series_name(key))}</text>'
        for key, y, at in zip(keys, ends, placed, strict=True))


def trend_chart(weeks: Sequence[str], series: Mapping[str, Sequence[float]]) -> str:
    """Weekly shares as lines on a 0–100% scale, each named at its end, so the drift shows without reading colours."""
    xs = _chart_x(len(weeks))
    keys = [*ordered(k for k in series if k != PEOPLE_SERIES), *([PEOPLE_SERIES] if PEOPLE_SERIES in series else [])]
    lines = "".join(_chart_line(key, series[key], weeks, xs) for key in keys)
    labels = _chart_labels({key: series[key] for key in keys}, xs[-1]) if xs else ""
    text = f"Share of each week's 1:1s: {', '.join(series_name(key) for key in keys)}"
    return (f'<svg class="trend-chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" width="100%" role="img" '
            f'aria-label="{escape(text)}">{_chart_axes(weeks, xs)}{lines}{labels}</svg>')
