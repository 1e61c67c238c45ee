"""What every format parser shares: timecodes, markup stripping, and turning pieces into a Transcript."""

import html
import math
import re
from collections.abc import Iterable

from pipeline.errors import NoSpeechError, TimestampError
from pipeline.schemas import Role, RoleSource, Transcript, Utterance

UNKNOWN_SPEAKER = "Unknown speaker"
_TAG_RE = re.compile(r"<[^>]*>")
_TIMECODE_RE = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?$")


def timecode(value: str, where: str) -> float:
    """Seconds from `hh:mm:ss.mmm`, `mm:ss`, or SRT's comma form."""
    match = _TIMECODE_RE.match(value.strip())
    if not match:
        raise TimestampError(f"{where}: '{value}' is not a timestamp; write it as hh:mm:ss.mmm (e.g. 00:01:05.250).")
    hours, minutes, seconds, millis = match.groups()
    if int(minutes) > 59 or int(seconds) > 59:
        raise TimestampError(f"{where}: '{value}' has minutes or seconds above 59.")
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int((millis or "0").ljust(3, "0")) / 1000


def strip_markup(text: str) -> str:
    """Drop cue tags (<c>, <i>, <v ...>) and entities, keeping the spoken words."""
    return " ".join(html.unescape(_TAG_RE.sub("", text)).split())


def check_timing_lines(text: str, fmt: str, pattern: re.Pattern[str], example: str) -> None:
    """Refuse a cue timing line the parsing library would skip silently, naming the line."""
    for n, line in enumerate(text.splitlines(), 1):
        if "-->" in line and not pattern.match(line):
            raise TimestampError(f"{fmt} line {n}: '{line.strip()[:60]}' is not a cue timing; write it as '{example}'.")


Piece = tuple[str | None, float | None, float | None, str]


def assemble(
    pieces: Iterable[Piece],
    fmt: str,
    roles: dict[str, Role] | None = None,
    roles_source: RoleSource | None = None,
) -> Transcript:
    """Build a Transcript; a piece with no speaker continues the previous one, as recorders mean it."""
    utterances: list[Utterance] = []
    speaker: str | None = None
    for n, (name, start, end, text) in enumerate(pieces, 1):
        speaker = name.strip() if name and name.strip() else speaker
        text = " ".join(text.split())
        if not text:
            continue
        _check_times(start, end, f"{fmt} cue {n}")
        utterances.append(Utterance(speaker=speaker or UNKNOWN_SPEAKER, start=start, end=end, text=text))
    if not any(any(ch.isalnum() for ch in u.text) for u in utterances):
        raise NoSpeechError(
            f"The {fmt} file parsed but holds no spoken words: check that it is the transcript export, "
            "not the recording's metadata or an empty template."
        )
    return Transcript(format=fmt, utterances=tuple(utterances), roles=roles or {}, roles_source=roles_source)


MAX_SECONDS = 48 * 3600


def _check_times(start: float | None, end: float | None, where: str) -> None:
    """Times must be seconds from the meeting's start; the cap keeps a stray epoch or millisecond value from
    becoming millions of timeline windows."""
    for value in (start, end):
        if value is None:
            continue
        if not math.isfinite(value) or value < 0:
            raise TimestampError(f"{where}: time {value} is negative or not a number; times are seconds from 0.")
        if value > MAX_SECONDS:
            raise TimestampError(f"{where}: time {value:.0f}s is past 48 hours; times are seconds from the "
                                 "meeting's start, not clock times or milliseconds.")
    if start is not None and end is not None and end < start:
        raise TimestampError(f"{where}: ends ({end:.3f}s) before it starts ({start:.3f}s); fix the cue's times.")
