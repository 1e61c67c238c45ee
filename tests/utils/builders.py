"""Builders for labelled segments, so profile tests read as the meeting they describe."""

from pipeline.profile import ProfileConfig, build_profile
from pipeline.schemas import Analysis, ModelInfo, Role, RoleSource, Segment


def seg(index: int, speaker: str, start: float | None, end: float | None, text: str, label: str) -> Segment:
    return Segment(index=index, speaker=speaker, start=start, end=end, text=text, label=label, confidence=0.9)


def timed(rows: list[tuple[str, float, float, str, str]]) -> list[Segment]:
    return [seg(i, who, a, b, text, label) for i, (who, a, b, text, label) in enumerate(rows)]


def untimed(rows: list[tuple[str, str, str]]) -> list[Segment]:
    return [seg(i, who, None, None, text, label) for i, (who, text, label) in enumerate(rows)]


def stored_analysis(analysis_id: str, rows: list[tuple[str, float, float, str, str]] | None = None) -> Analysis:
    """A small, real profile of hand-labelled segments: enough for storage tests without the model."""
    segments = timed(rows or [("Dana", 0, 10, "How are the deals?", "deal-status"),
                              ("Sam", 10, 30, "Good, and I'm well.", "rapport")])
    roles: dict[str, tuple[Role, RoleSource]] = {"Dana": ("manager", "request"), "Sam": ("rep", "request")}
    profile, speakers = build_profile(segments, roles, ProfileConfig())
    return Analysis(id=analysis_id, format="text", duration_seconds=segments[-1].end, segments=segments, speakers=speakers,
                    profile=profile, model=ModelInfo(name="hand", version="0", label_set="test"))
