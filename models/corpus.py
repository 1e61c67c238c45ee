"""The labelled corpus: JSON Lines of transcripts, one file per writer slice, split by transcript into
train / dev / test."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from models.encoding import SegmentInput
from models.labels import LABEL_TO_ID

DATA_DIR = Path(__file__).parent / "data"
CORPUS_DIR = DATA_DIR / "corpus"
SPLITS_PATH = DATA_DIR / "splits.json"


@dataclass(frozen=True)
class LabelledTranscript:
    id: str
    style: str
    segments: tuple[SegmentInput, ...]
    labels: tuple[str, ...]
    seconds: tuple[float, ...]


def shards(directory: Path = CORPUS_DIR) -> list[Path]:
    """The slice files (s1.jsonl, s2.jsonl, ...) in slice order, s2 before s10: one file per slice keeps
    every file small, and a new slice adds a file instead of rewriting one."""
    return sorted(directory.glob("*.jsonl"), key=lambda p: (len(p.stem), p.stem))


def rows(directory: Path = CORPUS_DIR) -> list[dict]:
    """Every transcript as stored, slices in order."""
    return [json.loads(line) for path in shards(directory) for line in path.read_text(encoding="utf-8").splitlines()]


def load(directory: Path = CORPUS_DIR) -> list[LabelledTranscript]:
    """Read every transcript of the corpus."""
    return [
        LabelledTranscript(
            id=row["id"],
            style=row["style"],
            segments=tuple(SegmentInput(s["speaker"], s["text"]) for s in row["segments"]),
            labels=tuple(s["label"] for s in row["segments"]),
            seconds=tuple(s["end"] - s["start"] for s in row["segments"]),
        )
        for row in rows(directory)
    ]


def label_ids(transcripts: Iterable[LabelledTranscript]) -> list[int]:
    """Gold label ids of every segment, in corpus order."""
    return [LABEL_TO_ID[label] for t in transcripts for label in t.labels]


def split(transcripts: Iterable[LabelledTranscript], path: Path = SPLITS_PATH) -> dict[str, list[LabelledTranscript]]:
    """Partition by the committed split file, so test transcripts are never touched by training."""
    ids = json.loads(path.read_text())
    by_id = {t.id: t for t in transcripts}
    return {name: [by_id[i] for i in members if i in by_id] for name, members in ids.items()}


def file_hash(directory: Path = CORPUS_DIR) -> str:
    """sha256 of the slice files' bytes in slice order, recorded in the model card so a model names the data
    it learned from (the same bytes, and so the same hash, as the single corpus file they were cut from)."""
    digest = hashlib.sha256()
    for path in shards(directory):
        digest.update(path.read_bytes())
    return digest.hexdigest()
