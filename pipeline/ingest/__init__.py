"""Every supported transcript format, parsed into one Transcript of utterances."""

from collections.abc import Callable
from typing import Any

from pipeline.errors import UnknownFormatError
from pipeline.ingest import gong_json, segments_json, srt, teams_vtt, text, vtt, zoom_vtt
from pipeline.ingest.decode import decode
from pipeline.ingest.detect import detect
from pipeline.schemas import Transcript

PARSERS: dict[str, Callable[[str], Transcript]] = {
    "zoom-vtt": zoom_vtt.parse,
    "teams-vtt": teams_vtt.parse,
    "vtt": vtt.parse,
    "srt": srt.parse,
    "gong-json": gong_json.parse,
    "text": text.parse,
    "segments-json": segments_json.parse,
}
FORMATS: tuple[str, ...] = ("auto", *PARSERS)


def parse(data: bytes, format: str = "auto", parties: list[dict[str, Any]] | None = None) -> Transcript:
    """Decode and parse an upload; `parties` (Gong's, from a separate file) name speakers and roles."""
    if format not in FORMATS:
        raise UnknownFormatError(f"format '{format}' is not supported; use one of: {', '.join(FORMATS)}.")
    content = decode(data)
    fmt = detect(content) if format == "auto" else format
    if fmt == "gong-json":
        return gong_json.parse(content, parties)
    return PARSERS[fmt](content)


__all__ = ["FORMATS", "parse"]
