"""The shapes every caller shares: API.md's analysis contract and the ingest model behind it."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["manager", "rep", "other"]
RoleSource = Literal["request", "parties", "inferred"]


class Utterance(BaseModel):
    """One cue or line of the source, before turns are merged."""

    model_config = ConfigDict(frozen=True)

    speaker: str
    start: float | None = None
    end: float | None = None
    text: str


class Transcript(BaseModel):
    """A parsed file: utterances in order, plus what the source said about who is who."""

    model_config = ConfigDict(frozen=True)

    format: str
    utterances: tuple[Utterance, ...]
    roles: dict[str, Role] = Field(default_factory=dict)
    roles_source: RoleSource | None = None

    @property
    def timed(self) -> bool:
        """Whether every utterance has a start and an end, so shares can be measured in seconds."""
        return all(u.start is not None and u.end is not None for u in self.utterances)


class Segment(BaseModel):
    index: int
    speaker: str
    start: float | None
    end: float | None
    text: str
    label: str | None = None
    confidence: float | None = None
    scores: dict[str, float] | None = None


class SpeakerStats(BaseModel):
    name: str
    role: Role
    role_source: RoleSource
    talk_seconds: float | None
    talk_share: float
    words: int
    words_per_minute: float | None
    questions: int
    longest_monologue_seconds: float | None
    longest_monologue_words: int
    labels: dict[str, float] = Field(description="Share of this speaker's talk per label.")


class LabelStats(BaseModel):
    share: float
    seconds: float | None
    words: int
    segments: int


class Flag(BaseModel):
    code: str
    message: str


class TimelineWindow(BaseModel):
    start: float
    end: float
    labels: dict[str, float]


class Profile(BaseModel):
    basis: Literal["time", "words"]
    labels: dict[str, LabelStats]
    people_share: float
    flags: list[Flag]
    talk_ratio: float | None = Field(description="Manager talk divided by rep talk, on the basis.")
    timeline: list[TimelineWindow]


class ModelInfo(BaseModel):
    name: str
    version: str
    label_set: str


class Analysis(BaseModel):
    id: str
    format: str
    duration_seconds: float | None
    segments: list[Segment]
    speakers: list[SpeakerStats]
    profile: Profile
    model: ModelInfo


__all__ = [
    "Analysis",
    "Flag",
    "LabelStats",
    "ModelInfo",
    "Profile",
    "Role",
    "RoleSource",
    "Segment",
    "SpeakerStats",
    "TimelineWindow",
    "Transcript",
    "Utterance",
]
