"""Model inputs from a conversation: each segment is read with its neighbours as context.

Shared by training and every inference backend, so the model sees at serving time exactly what it
learned from. A backchannel ("yeah") carries no topic of its own; its neighbours do.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tokenizers import Tokenizer

MAX_TOKENS = 128
CONTEXT_WORDS = 24
_PUNCT = re.compile(r"[^\w\s%$'-]")


@dataclass(frozen=True)
class SegmentInput:
    """What the classifier needs of a segment: who said it and the words."""

    speaker: str
    text: str


def _tail(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[-n:])


def _head(text: str, n: int) -> str:
    words = text.split()
    return " ".join(words[:n])


def context_pairs(
    conversation: Sequence[SegmentInput], context: str = "both", words: int = CONTEXT_WORDS
) -> list[tuple[str, str | None]]:
    """(segment, context) per segment; context is `none`, `prev`, or `both` (previous and next), each
    neighbour cut to its `words` nearest words."""
    pairs: list[tuple[str, str | None]] = []
    for i, seg in enumerate(conversation):
        if context == "none":
            pairs.append((seg.text, None))
            continue
        parts = []
        if i > 0:
            prev = conversation[i - 1]
            who = "same" if prev.speaker == seg.speaker else "other"
            parts.append(f"before ({who}): {_tail(prev.text, words)}")
        if context == "both" and i + 1 < len(conversation):
            parts.append(f"after: {_head(conversation[i + 1].text, words)}")
        pairs.append((seg.text, " | ".join(parts) or None))
    return pairs


def asr_like(text: str) -> str:
    """What speech recognition makes of clean text: lowercase, no punctuation."""
    return " ".join(_PUNCT.sub(" ", text.lower()).split())


def load_tokenizer(path: str) -> Tokenizer:
    """The base model's fast tokenizer, truncating pairs and leaving padding to `encode_batch`."""
    tokenizer = Tokenizer.from_file(path)
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_TOKENS, strategy="longest_first")
    return tokenizer


def encode(tokenizer: Tokenizer, pairs: Sequence[tuple[str, str | None]]) -> list[tuple[list[int], list[int]]]:
    """Token ids and type ids per pair, unpadded."""
    inputs = [(a, b) if b else a for a, b in pairs]
    return [(e.ids, e.type_ids) for e in tokenizer.encode_batch(inputs)]


def pad(batch: Sequence[tuple[list[int], list[int]]]) -> dict[str, np.ndarray]:
    """Pad a batch to its own longest row; callers sort by length so padding stays small."""
    width = max(len(ids) for ids, _ in batch)
    ids = np.zeros((len(batch), width), dtype=np.int64)
    types = np.zeros_like(ids)
    mask = np.zeros_like(ids)
    for row, (i, t) in enumerate(batch):
        ids[row, : len(i)] = i
        types[row, : len(t)] = t
        mask[row, : len(i)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


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
