"""Microsoft Teams WebVTT: `<v Name>text</v>` voice spans, cue ids like `GUID/12-0`."""

from pipeline.ingest.common import assemble
from pipeline.ingest.vtt import read_cues, voice_pieces
from pipeline.schemas import Transcript


def parse(text: str) -> Transcript:
    """Parse a Teams transcript; one utterance split over several cues is merged later, by segmentation."""
    return assemble(voice_pieces(read_cues(text, "teams-vtt")), "teams-vtt")
