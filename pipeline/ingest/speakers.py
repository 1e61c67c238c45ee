"""`Name: text` prefixes, shared by Zoom VTT, generic VTT, SRT and plain text.

Names may contain colons ("Room 2: Dana Ruiz: hello"), and a cue without a prefix continues the previous
speaker, so a prefix counts as a speaker when the file uses it more than once, or when it reads like a
proper name ("Priya N", "Speaker 3"); a lowercase phrase used once ("so the thing: ...") stays speech.
"""

import re
from collections import Counter

MAX_NAME_CHARS = 80
MAX_NAME_WORDS = 6
_PARTICLES = {"de", "da", "del", "van", "von", "der", "la", "le", "bin", "al", "di", "du"}
_NAME_RE = re.compile(r"^[^\s:][^:?!.]{0,79}$|^(Dr|Mr|Mrs|Ms|St)\.[^:?!]{1,70}$")
_DECORATED_RE = re.compile(r"^(?:>>\s*)?(?:\*\*(?P<bold>[^*:\n]{1,80}?):?\*\*:?|\[(?P<bracket>[^\]:\n]{1,80})\]:)\s*")


def _candidates(text: str) -> dict[str, int]:
    """Map each possible name prefix to where the spoken words after it begin."""
    names = {}
    for match in re.finditer(r":(\s+|$)", text):
        prefix = text[: match.start()].strip()
        if len(prefix) > MAX_NAME_CHARS or len(prefix.split()) > MAX_NAME_WORDS:
            break
        if prefix and _looks_like_name(prefix):
            names[prefix] = match.end()
    return names


def _looks_like_name(prefix: str) -> bool:
    parts = [p.strip() for p in prefix.split(":")]
    return all(p and _NAME_RE.match(p) and (not p.islower() or len(p.split()) <= 3) for p in parts)


def _title_case(name: str) -> bool:
    """A prefix used once is a speaker only if it reads like a proper name ("Dana Ruiz", "Speaker 2")."""
    return all(w[0].isupper() or w[0].isdigit() or w in _PARTICLES for w in name.replace(":", " ").split())


def undecorate(text: str) -> str:
    """Exporters dress names up: `[Dana Ruiz]: hi`, `**Dana Ruiz:** hi`, `>> Dana: hi` all become `Dana Ruiz: hi`."""
    match = _DECORATED_RE.match(text)
    if match:
        return f"{(match['bold'] or match['bracket']).strip()}: {text[match.end():]}"
    return text[2:].lstrip() if text.startswith(">>") else text


def split_prefixes(texts: list[str]) -> list[tuple[str | None, str]]:
    """Split each text into (speaker or None, the words after the prefix)."""
    texts = [undecorate(t) for t in texts]
    candidates = [_candidates(t) for t in texts]
    counts = Counter(name for names in candidates for name in set(names))
    repeated = {name for name, n in counts.items() if n > 1}
    result: list[tuple[str | None, str]] = []
    for text, names in zip(texts, candidates, strict=True):
        speaker = next((n for n in reversed(names) if n in repeated), None)
        speaker = speaker or next((n for n in names if _title_case(n)), None)
        result.append((None, text) if speaker is None else (speaker, text[names[speaker]:]))
    return result
