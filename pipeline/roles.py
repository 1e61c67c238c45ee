"""Who is the manager and who is the rep: from the request, from Gong parties, or inferred, and always
saying which (`role_source`), so a guessed role is never passed off as a known one."""

import re
from collections import Counter
from collections.abc import Sequence

from pipeline.errors import SpeakerError
from pipeline.schemas import Role, RoleSource, Segment, Transcript

_OPENERS = re.compile(
    r"^(?:(?:so|and|but|okay|ok|um|uh|like|well|yeah|right|alright)\s+)*"
    r"(what|how|why|where|when|who|which|whose|is|are|was|were|do|does|did|can|could|would|will|should|"
    r"have|has|had|any|anything|shall)\b",
    re.I,
)


def count_questions(text: str) -> int:
    """Questions in a segment: its '?' marks, or for unpunctuated ASR text, an interrogative opening."""
    if "?" in text:
        return len(re.findall(r"\?+", text))
    if re.search(r"[.!,]", text):
        return 0
    return 1 if _OPENERS.match(text.strip()) else 0


def assign_roles(
    segments: Sequence[Segment], transcript: Transcript, manager: str | None = None, rep: str | None = None
) -> dict[str, tuple[Role, RoleSource]]:
    """Roles for every speaker; the caller's names win, then the source's parties, then inference."""
    speakers = list(dict.fromkeys(s.speaker for s in segments))
    if manager or rep:
        return _from_names(speakers, manager, rep)
    if transcript.roles_source == "request":
        named = {role: name for name, role in transcript.roles.items()}
        return _from_names(speakers, named.get("manager"), named.get("rep"))
    if transcript.roles:
        source: RoleSource = transcript.roles_source or "parties"
        return {s: (transcript.roles.get(s, "other"), source) for s in speakers}
    return _inferred(segments, speakers)


def _from_names(speakers: list[str], manager: str | None, rep: str | None) -> dict[str, tuple[Role, RoleSource]]:
    named: dict[str, Role] = {}
    for name, role in ((manager, "manager"), (rep, "rep")):
        if not name:
            continue
        match = next((s for s in speakers if s.casefold() == name.strip().casefold()), None)
        if match is None:
            raise SpeakerError(
                f"{role} '{name}' does not speak in this transcript; the speakers are: {', '.join(speakers)}. "
                f"Pass one of those names as '{role}'."
            )
        named[match] = role  # type: ignore[assignment]
    rest = [s for s in speakers if s not in named]
    if len(named) == 1 and len(rest) == 1:
        named[rest[0]] = "rep" if "manager" in named.values() else "manager"
    return {s: (named.get(s, "other"), "request") for s in speakers}


def _inferred(segments: Sequence[Segment], speakers: list[str]) -> dict[str, tuple[Role, RoleSource]]:
    """The manager is the main speaker who asks most per turn; in 1:1s that is the one running it."""
    words = Counter[str]()
    questions = Counter[str]()
    turns = Counter[str]()
    for seg in segments:
        words[seg.speaker] += len(seg.text.split())
        questions[seg.speaker] += count_questions(seg.text)
        turns[seg.speaker] += 1
    main = [s for s, _ in words.most_common(2)]
    roles: dict[str, tuple[Role, RoleSource]] = {s: ("other", "inferred") for s in speakers}
    if len(main) == 2:
        manager = max(main, key=lambda s: (questions[s] / turns[s], -words[s]))
        roles[manager] = ("manager", "inferred")
        roles[next(s for s in main if s != manager)] = ("rep", "inferred")
    return roles
