"""Plain text: Otter-style `Name  01:23` headers (also `[Name] 10:01:02`, `Name - 01:23`, or the name and
the stamp on two lines), or `Name: text` lines with optional `[hh:mm:ss]` stamps (before the name, bare
as `hh:mm:ss Name: text`, or after it as `Name (hh:mm:ss): text`)."""

import re

from pipeline.ingest.common import Piece, assemble, timecode
from pipeline.ingest.speakers import split_prefixes
from pipeline.schemas import Transcript

_TS = r"\d{1,2}:\d{2}(?::\d{2})?"
_HEADER_RE = re.compile(rf"^\[?(?P<name>[^\d\s:\[][^:\]]{{0,78}}?)\]?\s*(?:[-–—|,]\s*)?\s(?P<ts>{_TS})\s*$")
_BARE_TS_RE = re.compile(rf"^{_TS}$")
_STAMP_RE = re.compile(
    r"^(?:[\[(](?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]|(?P<bare>\d{1,2}:\d{2}:\d{2})(?=\s))\s*"
)
_NAME_STAMP_RE = re.compile(
    r"^(?P<name>[^:\[\]()]{1,80}?)\s*[\[(](?P<ts>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)[\])]\s*:\s*(?P<text>.*)$"
)


def _with_ends(starts: list[float | None]) -> list[float | None]:
    """A stamped line runs until the next stamp; the last one's end is unknown, so stays None."""
    return [*starts[1:], None] if all(s is not None for s in starts) else [None] * len(starts)


def _could_be_name(line: str) -> bool:
    """Short, not a stamp, not the end of a sentence: a speaker's name standing on its own line."""
    text = line.strip()
    return len(text.split()) <= 6 and not _BARE_TS_RE.match(text) and not text.endswith((".", "?", "!", ","))


def _join_split_headers(lines: list[str]) -> list[str]:
    """`Name` on one line and `00:01` on the next (some exporters) become one `Name  00:01` header line."""
    out: list[str] = []
    last: int | None = None
    for line in lines:
        text = line.strip()
        if last is not None and _BARE_TS_RE.match(text) and _could_be_name(out[last]):
            out[last] = f"{out[last].strip()}  {text}"
            continue
        out.append(line)
        if text:
            last = len(out) - 1
    return out


def _otter(lines: list[str]) -> list[Piece] | None:
    lines = _join_split_headers(lines)
    headers = [(n, m) for n, line in enumerate(lines) if (m := _HEADER_RE.match(line.strip()))]
    if not headers or headers[0][0] != next(n for n, line in enumerate(lines) if line.strip()):
        return None
    blocks = []
    for k, (n, match) in enumerate(headers):
        stop = headers[k + 1][0] if k + 1 < len(headers) else len(lines)
        body = " ".join(line.strip() for line in lines[n + 1:stop] if line.strip())
        blocks.append((match["name"], timecode(match["ts"], f"text line {n + 1}"), body))
    ends = _with_ends([start for _, start, _ in blocks])
    return [(name, start, end, body) for (name, start, body), end in zip(blocks, ends, strict=True)]


def _stamp_first(line: str) -> str:
    """`Name (00:01:23): text` and `Name [01:23]: text` become `[00:01:23] Name: text`."""
    match = _NAME_STAMP_RE.match(line)
    return f"[{match['ts']}] {match['name'].strip()}: {match['text']}" if match else line


def _lines(lines: list[str]) -> list[Piece]:
    starts: list[float | None] = []
    texts: list[str] = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        line = _stamp_first(line.strip())
        match = _STAMP_RE.match(line)
        starts.append(timecode(match["ts"] or match["bare"], f"text line {n}") if match else None)
        texts.append(line[match.end():] if match else line)
    ends = _with_ends(starts)
    stamped = all(s is not None for s in starts)
    return [
        (name, start if stamped else None, end, body)
        for (name, body), start, end in zip(split_prefixes(texts), starts, ends, strict=True)
    ]


def parse(text: str) -> Transcript:
    """Prefer Otter's header blocks when the file opens with one, else read line by line."""
    lines = text.splitlines()
    return assemble(_otter(lines) or _lines(lines), "text")
