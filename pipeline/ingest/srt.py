"""SubRip subtitles, with or without `Name:` prefixes."""

import re

import pysrt

from pipeline.errors import MalformedTranscriptError
from pipeline.ingest.common import assemble, check_timing_lines, strip_markup
from pipeline.ingest.speakers import split_prefixes
from pipeline.schemas import Transcript

_TIMING_RE = re.compile(r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}(\s|$)")


def parse(text: str) -> Transcript:
    """Parse strictly, so a broken block is reported rather than silently skipped."""
    check_timing_lines(text, "srt", _TIMING_RE, "00:00:01,000 --> 00:00:04,000")
    try:
        items = pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)
    except pysrt.Error as exc:
        raise MalformedTranscriptError(
            f"Not a valid SRT file ({exc}): each block needs a number, a '00:00:01,000 --> 00:00:04,000' "
            "line and the text."
        ) from None
    texts = [strip_markup(item.text) for item in items]
    pieces = [
        (name, item.start.ordinal / 1000, item.end.ordinal / 1000, body)
        for item, (name, body) in zip(items, split_prefixes(texts), strict=True)
    ]
    return assemble(pieces, "srt")
