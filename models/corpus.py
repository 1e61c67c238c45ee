"""The labelled corpus: JSON Lines of transcripts, split by transcript into train / dev / test."""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from models.encoding import SegmentInput
from models.labels import LABEL_TO_ID

DATA_DIR = Path(__file__).parent / "data"
CORPUS_PATH = DATA_DIR / "corpus.jsonl"
SPLITS_PATH = DATA_DIR / "splits.json"


@dataclass(frozen=True)
class LabelledTranscript:
    id: str
    style: str
    segments: tuple[SegmentInput, ...]
    labels: tuple[str, ...]
    seconds: tuple[float, ...]


def load(path: Path = CORPUS_PATH) -> list[LabelledTranscript]:
    """Read every transcript of the corpus."""
    transcripts = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        segs = row["segments"]
        transcripts.append(
            LabelledTranscript(
                id=row["id"],
                style=row["style"],
                segments=tuple(SegmentInput(s["speaker"], s["text"]) for s in segs),
                labels=tuple(s["label"] for s in segs),
                seconds=tuple(s["end"] - s["start"] for s in segs),
            )
        )
    return transcripts


def label_ids(transcripts: Iterable[LabelledTranscript]) -> list[int]:
    """Gold label ids of every segment, in corpus order."""
    return [LABEL_TO_ID[label] for t in transcripts for label in t.labels]


def split(transcripts: Iterable[LabelledTranscript], path: Path = SPLITS_PATH) -> dict[str, list[LabelledTranscript]]:
    """Partition by the committed split file, so test transcripts are never touched by training."""
    ids = json.loads(path.read_text())
    by_id = {t.id: t for t in transcripts}
    return {name: [by_id[i] for i in members if i in by_id] for name, members in ids.items()}


def file_hash(path: Path = CORPUS_PATH) -> str:
    """sha256 of the corpus file, recorded in the model card so a model names the data it learned from."""
    return hashlib.sha256(path.read_bytes()).hexdigest()
