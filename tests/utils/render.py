"""Write utterances out in each supported format, as the recorders do, for round-trip tests."""

import json
from collections.abc import Sequence

from pipeline.schemas import Utterance


def _ts(seconds: float, comma: bool = False) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{',' if comma else '.'}{ms:03d}"


def render(fmt: str, utterances: Sequence[Utterance]) -> bytes:
    us = list(utterances)
    if fmt == "zoom-vtt":
        cues = [f"{n}\n{_ts(u.start)} --> {_ts(u.end)}\n{u.speaker}: {u.text}" for n, u in enumerate(us, 1)]
        return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
    if fmt == "teams-vtt":
        cues = [f"0a1b2c3d-0000-4000-8000-00000000000{n % 10}/{n}-0\n{_ts(u.start)} --> {_ts(u.end)}\n"
                f"<v {u.speaker}>{u.text}</v>" for n, u in enumerate(us, 1)]
        return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
    if fmt == "vtt":
        cues = [f"{_ts(u.start)} --> {_ts(u.end)}\n{u.speaker}: {u.text}" for u in us]
        return ("WEBVTT\n\n" + "\n\n".join(cues) + "\n").encode()
    if fmt == "srt":
        cues = [f"{n}\n{_ts(u.start, True)} --> {_ts(u.end, True)}\n{u.speaker}: {u.text}" for n, u in enumerate(us, 1)]
        return ("\n\n".join(cues) + "\n").encode()
    if fmt == "text":
        return "".join(f"{u.speaker}: {u.text}\n" for u in us).encode()
    if fmt == "gong-json":
        ids = {name: str(1000 + i) for i, name in enumerate(dict.fromkeys(u.speaker for u in us))}
        mono = [{"speakerId": ids[u.speaker], "topic": None,
                 "sentences": [{"start": round(u.start * 1000), "end": round(u.end * 1000), "text": u.text}]} for u in us]
        parties = [{"speakerId": i, "name": name, "affiliation": "Internal"} for name, i in ids.items()]
        return json.dumps({"callTranscripts": [{"callId": "1", "transcript": mono}], "parties": parties}).encode()
    if fmt == "segments-json":
        return json.dumps({"segments": [u.model_dump() for u in us]}).encode()
    raise ValueError(fmt)


FORMATS = ("zoom-vtt", "teams-vtt", "vtt", "srt", "text", "gong-json", "segments-json")
