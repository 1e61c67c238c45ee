"""Guess a transcript's format from its content, so users need not know what their recorder exports."""

import re

from pipeline.errors import JSONShapeError
from pipeline.ingest import gong_json
from pipeline.ingest.jsonshape import load_json

_SRT_TIMING = re.compile(r"^\d+\s*\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-", re.M)
_TEAMS_ID = re.compile(r"^[0-9a-f-]{8,}/\d+-\d+\s*$", re.M | re.I)
_ZOOM_CUE = re.compile(r"^\d+\s*\n\d{2}:\d{2}:\d{2}\.\d{3} --> [^\n]+\n[^\n:]{1,80}: ", re.M)


def detect(text: str) -> str:
    """Return one of FORMATS for the text, by the features each format's exporter always writes."""
    head = text.lstrip()
    if head.startswith("WEBVTT"):
        if "<v " in text or "<v." in text or _TEAMS_ID.search(text):
            return "teams-vtt"
        return "zoom-vtt" if _ZOOM_CUE.search(text) else "vtt"
    if head.startswith("{") or re.match(r"\[\s*[{\]]", head):
        data = gong_json.one_call(load_json(text, "JSON"))
        if isinstance(data, dict) and "callTranscripts" in data:
            return "gong-json"
        if isinstance(data, dict) and "segments" in data:
            return "segments-json"
        raise JSONShapeError(
            "This JSON is neither a Gong transcript (with 'callTranscripts') nor a segments file (with "
            "'segments'); upload one of those, or a .vtt, .srt or text transcript."
        )
    if _SRT_TIMING.search(head[:2000]):
        return "srt"
    return "text"
