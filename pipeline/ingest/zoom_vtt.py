"""Zoom cloud-recording WebVTT: numbered cues whose text starts `Speaker Name: `."""

from pipeline.ingest.common import assemble
from pipeline.ingest.vtt import prefix_pieces, read_cues
from pipeline.schemas import Transcript


def parse(text: str) -> Transcript:
    """Parse a Zoom transcript; unprefixed cues continue the previous speaker."""
    return assemble(prefix_pieces(read_cues(text, "zoom-vtt")), "zoom-vtt")
