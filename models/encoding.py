"""Model inputs from a conversation: each segment's tokens, and the turn-taking around it.

Shared by training and every inference backend, so the model sees at serving time exactly what it
learned from.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

MAX_TOKENS = 128
FEATURES = 2
_PUNCT = re.compile(r"[^\w\s%$'-]")


@dataclass(frozen=True)
class SegmentInput:
    """What the classifier needs of a segment: who said it and the words."""

    speaker: str
    text: str


def features(conversation: Sequence[SegmentInput]) -> np.ndarray:
    """Per segment: did the same speaker also say the previous segment, and how long it is (log words).

    The text encoder sees one segment at a time; these are what the context layer needs of the turn-taking.
    """
    out = np.zeros((len(conversation), FEATURES), dtype=np.float32)
    for i, seg in enumerate(conversation):
        out[i, 0] = float(i > 0 and conversation[i - 1].speaker == seg.speaker)
        out[i, 1] = np.log1p(len(seg.text.split())) / 3
    return out


def asr_like(text: str) -> str:
    """What speech recognition makes of clean text: lowercase, no punctuation."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def load_tokenizer(path: str) -> Tokenizer:
    """The base model's fast tokenizer, truncating long segments and leaving padding to `pad`."""
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    return tokenizer


def encode(tokenizer: Tokenizer, texts: Sequence[str]) -> list[list[int]]:
    """Token ids per text, unpadded."""
    return [e.ids for e in tokenizer.encode_batch(list(texts))]


def pad(batch: Sequence[list[int]]) -> dict[str, np.ndarray]:
    """Pad a batch to its own longest row; callers sort by length so padding stays small."""
    width = max(len(ids) for ids in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, i in enumerate(batch):
        ids[row, : len(i)] = i
        mask[row, : len(i)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


def length_batches(lengths: Sequence[int], max_tokens: int = 2048, max_rows: int = 16) -> list[list[int]]:
    """Index batches of similar length, bounded by padded tokens, so no batch pads short rows to long ones."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= max_rows or lengths[i] * (len(current) + 1) > max_tokens):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
