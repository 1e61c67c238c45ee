"""Gong transcript JSON (`/v2/calls/transcript`), with roles from the call's `parties` when present."""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator

from pipeline.errors import JSONShapeError
from pipeline.ingest.common import Piece, assemble
from pipeline.ingest.jsonshape import load_json, validate
from pipeline.schemas import Role, Transcript

_EXPECTED = '{"callTranscripts": [{"transcript": [{"speakerId", "sentences": [{"start", "end", "text"}]}]}]}'
_REP_TITLE = re.compile(r"account (manager|executive)|\b(ae|sdr|bdr|rep|representative|seller|associate)\b", re.I)
_MANAGER_TITLE = re.compile(r"\b(manager|director|head|vp|vice president|chief|lead|leader|cro)\b", re.I)


class _Id(BaseModel):
    model_config = ConfigDict(extra="ignore")

    @field_validator("speakerId", mode="before", check_fields=False)
    @classmethod
    def _text_id(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) else value


class Sentence(BaseModel):
    start: float
    end: float
    text: str


class Monologue(_Id):
    speakerId: str
    topic: str | None = None
    sentences: list[Sentence]


class Call(BaseModel):
    callId: str | int | None = None
    transcript: list[Monologue]


class Party(_Id):
    speakerId: str | None = None
    name: str | None = None
    affiliation: str | None = None
    title: str | None = None


class _CallParties(BaseModel):
    parties: list[Party] = []


class GongFile(BaseModel):
    callTranscripts: list[Call]
    parties: list[Party] = []
    calls: list[_CallParties] = []


def party_role(party: Party) -> Role | None:
    """Role from Gong's affiliation and job title; None when the title doesn't say."""
    if (party.affiliation or "").lower() == "external":
        return "other"
    title = party.title or ""
    if _REP_TITLE.search(title):
        return "rep"
    if _MANAGER_TITLE.search(title):
        return "manager"
    return None


def one_call(data: Any) -> Any:
    """Also take one element of `callTranscripts` saved alone, or its bare `transcript` list."""
    if isinstance(data, dict) and "transcript" in data and "callTranscripts" not in data:
        return {**data, "callTranscripts": [data]}
    if isinstance(data, list) and data and all(isinstance(m, dict) and "sentences" in m for m in data):
        return {"callTranscripts": [{"transcript": data}]}
    return data


def parse(text: str, parties: list[dict[str, Any]] | None = None) -> Transcript:
    """Parse one call; `parties` may come from a separate `/v2/calls/extensive` file."""
    data = validate(GongFile, one_call(load_json(text, "gong-json")), "gong-json", _EXPECTED)
    if len(data.callTranscripts) != 1:
        raise JSONShapeError(
            f"field 'callTranscripts' holds {len(data.callTranscripts)} calls; upload exactly one call per file."
        )
    known = [*data.parties, *(p for call in data.calls for p in call.parties)]
    known += [Party.model_validate(p) for p in parties or []]
    names = {p.speakerId: p.name for p in known if p.speakerId and p.name}
    roles = {names[p.speakerId]: r for p in known if p.speakerId in names and (r := party_role(p))}
    if sorted(r for r in roles.values() if r != "other") != ["manager", "rep"]:
        roles = {}
    pieces: list[Piece] = [
        (names.get(mono.speakerId, f"Speaker {mono.speakerId}"), s.start / 1000, s.end / 1000, s.text)
        for mono in data.callTranscripts[0].transcript
        for s in mono.sentences
    ]
    return assemble(pieces, "gong-json", roles=roles, roles_source="parties" if roles else None)
