"""Our own segments JSON, the API's JSON request body saved as a file."""

from pydantic import BaseModel, ConfigDict, Field

from pipeline.ingest.common import assemble
from pipeline.ingest.jsonshape import load_json, validate
from pipeline.schemas import Role, Transcript

_EXPECTED = '{"segments": [{"speaker": str, "start": float|null, "end": float|null, "text": str}]}'


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    speaker: str = Field(min_length=1, max_length=200)
    start: float | None = None
    end: float | None = None
    text: str


class SegmentsRequest(BaseModel):
    """API.md's JSON request: segments in order, plus who is manager and who is rep."""

    segments: list[SegmentIn] = Field(min_length=1)
    manager: str | None = None
    rep: str | None = None


def from_request(request: SegmentsRequest, fmt: str = "segments-json") -> Transcript:
    """Turn a validated request into a Transcript, keeping named roles as the caller's word.

    The names are checked against the speakers later, with the other role sources, in pipeline.roles.
    """
    roles: dict[str, Role] = {}
    if request.manager:
        roles[request.manager.strip()] = "manager"
    if request.rep:
        roles[request.rep.strip()] = "rep"
    pieces = [(s.speaker, s.start, s.end, s.text) for s in request.segments]
    return assemble(pieces, fmt, roles=roles, roles_source="request" if roles else None)


def parse(text: str) -> Transcript:
    """Parse a segments JSON file."""
    return from_request(validate(SegmentsRequest, load_json(text, "segments-json"), "segments-json", _EXPECTED))
