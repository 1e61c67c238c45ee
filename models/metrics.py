"""Word-weighted segment metrics, profile share error, and calibration error."""

from collections.abc import Sequence

import numpy as np

from models.corpus import LabelledTranscript, label_ids
from models.labels import LABELS


def _confusion(gold: Sequence[int], pred: Sequence[int], weights: Sequence[float]) -> np.ndarray:
    matrix = np.zeros((len(LABELS), len(LABELS)))
    for g, p, w in zip(gold, pred, weights, strict=True):
        matrix[g, p] += w
    return matrix


def classification_report(gold: Sequence[int], pred: Sequence[int], words: Sequence[int]) -> dict:
    """Accuracy, macro-F1 and per-label F1 where every word carries its segment's label."""
    matrix = _confusion(gold, pred, words)
    tp = np.diag(matrix)
    precision = tp / np.maximum(matrix.sum(0), 1e-9)
    recall = tp / np.maximum(matrix.sum(1), 1e-9)
    f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
    return {
        "accuracy": float(tp.sum() / matrix.sum()),
        "macro_f1": float(f1.mean()),
        "per_label_f1": {label: round(float(v), 4) for label, v in zip(LABELS, f1, strict=True)},
        "confusion": {label: dict(zip(LABELS, map(int, row), strict=True)) for label, row in zip(LABELS, matrix, strict=True)},
    }


def share_error(gold: Sequence[int], pred: Sequence[int], seconds: Sequence[float]) -> float:
    """Mean absolute difference, in percentage points, between predicted and gold time share per label."""
    total = max(sum(seconds), 1e-9)
    g = np.zeros(len(LABELS))
    p = np.zeros(len(LABELS))
    for gi, pi, s in zip(gold, pred, seconds, strict=True):
        g[gi] += s
        p[pi] += s
    return float(np.abs(g - p).mean() / total * 100)


def expected_calibration_error(probs: np.ndarray, gold: Sequence[int], bins: int = 10) -> float:
    """ECE over equal-width confidence bins: how far stated confidence is from observed accuracy."""
    confidence = probs.max(1)
    correct = probs.argmax(1) == np.asarray(gold)
    ece = 0.0
    for lo in np.linspace(0, 1, bins, endpoint=False):
        in_bin = (confidence > lo) & (confidence <= lo + 1 / bins)
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def split_report(
    pred: Sequence[int], transcripts: Sequence[LabelledTranscript], probs: np.ndarray | None = None
) -> dict:
    """Word-weighted report, mean per-transcript share error, and ECE when probabilities are given."""
    gold = label_ids(transcripts)
    words = [len(s.text.split()) for t in transcripts for s in t.segments]
    report = classification_report(gold, pred, words)
    errors, at = [], 0
    for t in transcripts:
        n = len(t.segments)
        errors.append(share_error(gold[at:at + n], pred[at:at + n], t.seconds))
        at += n
    report["share_error_pp"] = float(np.mean(errors))
    if probs is not None:
        report["ece"] = expected_calibration_error(probs, gold)
    return report


def softmax(logits: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = logits / temperature
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)
