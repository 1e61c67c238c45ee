"""The conversation balance profile: pure arithmetic over labelled segments.

Weights are seconds when every segment has timings (basis `time`), else words (basis `words`).
A monologue is a run of one speaker's segments that the other side interrupts with nothing longer
than a backchannel (`backchannel_words` words or fewer, such as "yeah" or "mm-hmm").
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from models.labels import LABELS, PEOPLE_LABELS
from pipeline.roles import count_questions
from pipeline.schemas import Flag, LabelStats, Profile, Role, RoleSource, Segment, SpeakerStats, TimelineWindow


@dataclass(frozen=True)
class ProfileConfig:
    """Flag thresholds and window sizes; one frozen object, checked when built."""

    deal_dominated: float = 0.60
    absent_share: float = 0.02
    manager_talk: float = 0.65
    manager_monologue_seconds: float = 120.0
    low_rapport: float = 0.05
    window_seconds: float = 300.0
    window_words: int = 750
    backchannel_words: int = 3

    def __post_init__(self) -> None:
        for name in ("deal_dominated", "absent_share", "manager_talk", "low_rapport"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"ProfileConfig.{name} is a share and must lie in [0, 1]")
        if self.window_seconds <= 0 or self.window_words <= 0:
            raise ValueError("ProfileConfig windows must be positive")


def _label(seg: Segment) -> str:
    if seg.label is None:
        raise ValueError(f"segment {seg.index} has no label: classify segments before profiling them")
    return seg.label


def _timed(segments: Sequence[Segment]) -> bool:
    return bool(segments) and all(s.start is not None and s.end is not None for s in segments)


def _weight(seg: Segment, timed: bool) -> float:
    if timed:
        return max(0.0, (seg.end or 0.0) - (seg.start or 0.0))
    return float(len(seg.text.split()))


def _shares(totals: dict[str, float]) -> dict[str, float]:
    whole = sum(totals.values())
    return {label: round(totals.get(label, 0.0) / whole, 4) if whole else 0.0 for label in LABELS}


def label_stats(segments: Sequence[Segment], timed: bool) -> dict[str, LabelStats]:
    """Share, seconds, words and segment count per label; shares sum to 1 (up to rounding)."""
    weight: dict[str, float] = defaultdict(float)
    seconds: dict[str, float] = defaultdict(float)
    words: dict[str, int] = defaultdict(int)
    count: dict[str, int] = defaultdict(int)
    for seg in segments:
        label = _label(seg)
        weight[label] += _weight(seg, timed)
        seconds[label] += _weight(seg, True) if timed else 0.0
        words[label] += len(seg.text.split())
        count[label] += 1
    shares = _shares(weight)
    return {
        label: LabelStats(
            share=shares[label], seconds=round(seconds[label], 2) if timed else None,
            words=words[label], segments=count[label],
        )
        for label in LABELS
    }


def monologues(segments: Sequence[Segment], config: ProfileConfig) -> list[tuple[str, int, int]]:
    """(speaker, first index, last index) of each monologue, backchannels from others not ending it."""
    runs: list[tuple[str, int, int]] = []
    for i, seg in enumerate(segments):
        if runs and runs[-1][0] == seg.speaker:
            runs[-1] = (seg.speaker, runs[-1][1], i)
        elif runs and len(seg.text.split()) <= config.backchannel_words:
            continue
        else:
            runs.append((seg.speaker, i, i))
    return runs


def speaker_stats(
    segments: Sequence[Segment], roles: dict[str, tuple[Role, RoleSource]], config: ProfileConfig
) -> list[SpeakerStats]:
    """Per speaker: talk, words, pace, questions, longest monologue, and what they talked about."""
    timed = _timed(segments)
    total = sum(_weight(s, timed) for s in segments) or 1.0
    runs = monologues(segments, config)
    stats = []
    for name, (role, source) in roles.items():
        own = [s for s in segments if s.speaker == name]
        seconds = sum(_weight(s, True) for s in own) if timed else None
        words = sum(len(s.text.split()) for s in own)
        mix: dict[str, float] = defaultdict(float)
        for s in own:
            mix[_label(s)] += _weight(s, timed)
        talk = sum(mix.values())
        longest_s, longest_w = 0.0, 0
        for speaker, a, b in runs:
            if speaker != name:
                continue
            mine = [s for s in segments[a:b + 1] if s.speaker == name]
            longest_w = max(longest_w, sum(len(s.text.split()) for s in mine))
            if timed:
                longest_s = max(longest_s, (segments[b].end or 0.0) - (segments[a].start or 0.0))
        stats.append(
            SpeakerStats(
                name=name, role=role, role_source=source,
                talk_seconds=round(seconds, 2) if seconds is not None else None,
                talk_share=round(talk / total, 4),
                words=words,
                words_per_minute=round(words / (seconds / 60), 1) if seconds else None,
                questions=sum(count_questions(s.text) for s in own),
                longest_monologue_seconds=round(longest_s, 2) if timed else None,
                longest_monologue_words=longest_w,
                labels=_shares(mix),
            )
        )
    return stats


def timeline(segments: Sequence[Segment], config: ProfileConfig) -> list[TimelineWindow]:
    """Label mix per window: 5-minute windows on the clock, or 750-word windows without timings."""
    timed = _timed(segments)
    width = config.window_seconds if timed else float(config.window_words)
    windows: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    position = 0.0
    for seg in segments:
        a = seg.start if timed and seg.start is not None else position
        b = seg.end if timed and seg.end is not None else position + len(seg.text.split())
        position = b
        k = int(a // width)
        while k * width < b:
            overlap = min(b, (k + 1) * width) - max(a, k * width)
            windows[k][_label(seg)] += overlap
            k += 1
    return [
        TimelineWindow(start=k * width, end=(k + 1) * width, labels=_shares(mix)) for k, mix in sorted(windows.items())
    ]


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


def flags(labels: dict[str, LabelStats], speakers: Sequence[SpeakerStats], config: ProfileConfig) -> list[Flag]:
    """Plain-language warnings a manager can act on, each with a stable code."""
    found = []
    deal = labels["deal-status"].share
    if deal > config.deal_dominated:
        found.append(Flag(code="deal-dominated", message=f"Deal status took {_pct(deal)} of the meeting."))
    if labels["goals"].share < config.absent_share:
        found.append(Flag(code="no-goals", message="The rep's own goals and career never came up."))
    if labels["coaching"].share < config.absent_share:
        found.append(Flag(code="no-coaching", message="No coaching: no feedback or skill work in this 1:1."))
    if labels["rapport"].share < config.low_rapport:
        found.append(Flag(code="low-rapport", message=f"Only {_pct(labels['rapport'].share)} went to the person: "
                                                      "no check-in on how they are doing."))
    for s in speakers:
        if s.role != "manager":
            continue
        if s.talk_share > config.manager_talk:
            found.append(Flag(code="manager-talks-most", message=f"{s.name} (manager) talked {_pct(s.talk_share)} "
                                                                 "of the time; a 1:1 is the rep's meeting."))
        if (s.longest_monologue_seconds or 0) > config.manager_monologue_seconds:
            minutes = (s.longest_monologue_seconds or 0) / 60
            found.append(Flag(code="manager-monologue", message=f"{s.name} (manager) spoke for {minutes:.1f} "
                                                                "minutes without a break."))
    return found


def build_profile(
    segments: Sequence[Segment], roles: dict[str, tuple[Role, RoleSource]], config: ProfileConfig
) -> tuple[Profile, list[SpeakerStats]]:
    """The profile and per-speaker stats for one labelled transcript."""
    timed = _timed(segments)
    labels = label_stats(segments, timed)
    speakers = speaker_stats(segments, roles, config)
    by_role = {s.role: s.talk_share for s in speakers}
    ratio = by_role["manager"] / by_role["rep"] if by_role.get("rep") and "manager" in by_role else None
    profile = Profile(
        basis="time" if timed else "words",
        labels=labels,
        people_share=round(sum(labels[label].share for label in PEOPLE_LABELS), 4),
        flags=flags(labels, speakers, config),
        talk_ratio=round(ratio, 3) if ratio is not None else None,
        timeline=timeline(segments, config),
    )
    return profile, speakers
