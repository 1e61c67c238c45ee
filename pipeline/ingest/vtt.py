"""Generic WebVTT: cues read by webvtt-py; speakers from voice spans or `Name:` prefixes."""

import re
from dataclasses import dataclass

import webvtt
from webvtt.errors import MalformedFileError

from pipeline.errors import MalformedTranscriptError
from pipeline.ingest.common import Piece, assemble, check_timing_lines, strip_markup, timecode
from pipeline.ingest.speakers import split_prefixes
from pipeline.schemas import Transcript

_TIMING_RE = re.compile(r"^\s*(\d+:)?\d{2}:\d{2}\.\d{3}\s+-->\s+(\d+:)?\d{2}:\d{2}\.\d{3}(\s|$)")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>(.*?)(?=</v>|<v[\s.]|$)", re.DOTALL)


@dataclass(frozen=True)
class Cue:
    identifier: str | None
    start: float
    end: float
    raw: str


def read_cues(text: str, fmt: str) -> list[Cue]:
    """Parse cues with webvtt-py, turning its errors into ours with the fix spelled out."""
    check_timing_lines(text, fmt, _TIMING_RE, "00:00:01.000 --> 00:00:04.000")
    try:
        captions: list[webvtt.Caption] = webvtt.from_string(text).captions
    except MalformedFileError as exc:
        raise MalformedTranscriptError(
            f"Not a valid WebVTT file ({exc}): it must start with 'WEBVTT' and each cue needs a "
            "'00:00:01.000 --> 00:00:04.000' line."
        ) from None
    return [
        Cue(c.identifier, timecode(c.start, f"{fmt} cue {n}"), timecode(c.end, f"{fmt} cue {n}"), c.raw_text)
        for n, c in enumerate(captions, 1)
    ]


def voice_pieces(cues: list[Cue]) -> list[Piece]:
    """Teams style: `<v Name>text</v>`; a cue with several voices shares its time span by words."""
    pieces: list[Piece] = []
    for cue in cues:
        voices = [(name.strip(), strip_markup(body)) for name, body in _VOICE_RE.findall(cue.raw)]
        if not voices:
            pieces.append((None, cue.start, cue.end, strip_markup(cue.raw)))
            continue
        total = sum(len(body.split()) for _, body in voices) or 1
        at = cue.start
        for name, body in voices:
            end = at + (cue.end - cue.start) * len(body.split()) / total
            pieces.append((name, at, end, body))
            at = end
    return pieces


def prefix_pieces(cues: list[Cue]) -> list[Piece]:
    """Zoom style: `Name: text`, where a cue without a prefix continues the previous speaker."""
    texts = [strip_markup(cue.raw) for cue in cues]
    return [
        (name, cue.start, cue.end, body)
        for cue, (name, body) in zip(cues, split_prefixes(texts), strict=True)
    ]


def parse(text: str) -> Transcript:
    """Take voice spans where the file has them, else name prefixes."""
    cues = read_cues(text, "vtt")
    has_voices = any("<v" in cue.raw for cue in cues)
    return assemble(voice_pieces(cues) if has_voices else prefix_pieces(cues), "vtt")
