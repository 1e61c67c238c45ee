"""Sequence smoothing: topics run on for several segments, so a segment's label leans on its neighbours'.

A first-order HMM over the conversation: emissions are the classifier's calibrated probabilities,
transitions the label-to-label frequencies of the training split, raised to a weight `alpha` chosen on
dev. Forward-backward gives each segment a posterior, so scores stay probabilities (alpha=0 is off).
"""

import itertools
from collections.abc import Sequence

import numpy as np

from models.labels import LABEL_TO_ID, LABELS


def transition_matrix(sequences: Sequence[Sequence[str]]) -> np.ndarray:
    """Row-normalised label transition frequencies, with add-one smoothing."""
    counts = np.ones((len(LABELS), len(LABELS)))
    for labels in sequences:
        ids = [LABEL_TO_ID[label] for label in labels]
        for a, b in itertools.pairwise(ids):
            counts[a, b] += 1
    return counts / counts.sum(1, keepdims=True)


def smooth_each(probs: np.ndarray, lengths: Sequence[int], transitions: np.ndarray, alpha: float) -> np.ndarray:
    """Smooth consecutive conversations (rows of probs, `lengths` rows each) independently."""
    out, at = [], 0
    for n in lengths:
        out.append(smooth(probs[at:at + n], transitions, alpha))
        at += n
    return np.concatenate(out) if out else probs


def sharpen(probs: np.ndarray, temperature: float) -> np.ndarray:
    """Temperature on probabilities (via their logs): recalibrates the smoothed posterior."""
    z = np.log(probs + 1e-9) / temperature
    e = np.exp(z - z.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def smooth(probs: np.ndarray, transitions: np.ndarray, alpha: float) -> np.ndarray:
    """Posterior label probabilities per segment of one conversation (rows of probs, in order)."""
    if alpha == 0 or len(probs) < 2:
        return probs
    step = transitions**alpha
    n = len(probs)
    forward = np.zeros_like(probs)
    backward = np.ones_like(probs)
    forward[0] = probs[0] / probs[0].sum()
    for i in range(1, n):
        f = (forward[i - 1] @ step) * probs[i]
        forward[i] = f / f.sum()
    for i in range(n - 2, -1, -1):
        b = step @ (probs[i + 1] * backward[i + 1])
        backward[i] = b / b.sum()
    posterior = forward * backward
    return posterior / posterior.sum(1, keepdims=True)
