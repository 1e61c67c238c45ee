"""The segment classifier at inference: batched, length-sorted, int8 ONNX by default once it matches fp32.

Serving imports onnxruntime and tokenizers only; torch is loaded just for the fp32 reference backend
and for the one-time build of the ONNX graphs (see models/build.py). The `onnx-cascade` backend runs
int8 on every segment and re-scores with fp32 only where the smoothed int8 posterior is unsure (top-two
margin under a threshold chosen on dev), which keeps fp32's labels at a fraction of its cost.
"""

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.build import UNFUSED, Progress, ensure_built, merged_model
from models.encoding import CONTEXT_WORDS, SegmentInput, context_pairs, encode, length_batches, load_tokenizer, pad
from models.labels import LABELS
from models.metrics import softmax
from models.smoothing import sharpen, smooth_each

WEIGHTS_DIR = Path(__file__).parent / "weights"
DEFAULT_CACHE = Path.home() / ".cache" / "oneonone-balance"
BACKENDS = ("auto", "onnx-int8", "onnx-cascade", "onnx-fp32", "torch")
INT8_GATE = 0.995
Backend = Callable[[dict[str, np.ndarray]], np.ndarray]


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    scores: dict[str, float]


def _onnx_backend(path: Path, threads: int) -> Backend:
    """ONNX Runtime on every logical core by default: its own default counts physical cores only."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"],
                                   disabled_optimizers=list(UNFUSED))
    names = {i.name for i in session.get_inputs()}

    def run(arrays: dict[str, np.ndarray]) -> np.ndarray:
        return session.run(["logits"], {k: v for k, v in arrays.items() if k in names})[0]

    return run


def _torch_backend(weights_dir: Path, threads: int) -> Backend:
    import torch

    if threads:
        torch.set_num_threads(threads)
    model = merged_model(weights_dir)

    def run(arrays: dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            return model(**{k: torch.from_numpy(v) for k, v in arrays.items()}).numpy()

    return run


def evaluation(weights_dir: Path) -> dict:
    """What scripts/evaluate.py measured on the test split (empty before its first run)."""
    report = weights_dir / "evaluation.json"
    return json.loads(report.read_text()) if report.exists() else {}


def choose_backend(measured: dict) -> str:
    """The fastest path whose labels agree with fp32 on at least 99.5% of test segments: int8, the cascade, or fp32."""
    if measured.get("int8_fp32_agreement", 0.0) >= INT8_GATE:
        return "onnx-int8"
    if measured.get("cascade", {}).get("test_agreement", 0.0) >= INT8_GATE:
        return "onnx-cascade"
    return "onnx-fp32"


def auto_backend(weights_dir: Path) -> str:
    return choose_backend(evaluation(weights_dir))


def margins(probs: np.ndarray) -> np.ndarray:
    top = np.sort(probs, axis=1)
    return top[:, -1] - top[:, -2]


class SegmentClassifier:
    """Label segments of whole conversations; each segment is read with its neighbours."""

    def __init__(self, backend: Backend, backend_name: str, tokenizer_path: Path, card: dict,
                 fallback: Backend | None = None, margin: float = 0.0) -> None:
        self.backend = backend
        self._fallback, self._margin = fallback, margin
        self._tokenizer = load_tokenizer(str(tokenizer_path))
        self.backend_name = backend_name
        self.card = card
        self.name: str = card["name"]
        self.version: str = f"{card['version']}+{backend_name}"
        self.label_set: str = card["label_set"]
        self.temperature: float = float(card["temperature"])
        self._alpha = float(card["smoothing"]["alpha"])
        self._transitions = np.asarray(card["smoothing"]["transitions"])
        self._posterior_temperature = float(card["smoothing"]["posterior_temperature"])

    @classmethod
    def load(
        cls,
        weights_dir: Path = WEIGHTS_DIR,
        backend: str = "auto",
        cache_dir: Path = DEFAULT_CACHE,
        threads: int = 0,
        progress: Progress | None = None,
        margin: float | None = None,
    ) -> "SegmentClassifier":
        """Load once per process; builds the ONNX graphs into cache_dir the first time (`auto`: see auto_backend).

        `margin` overrides the cascade's re-scoring threshold, which otherwise comes from evaluation.json.
        """
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if backend == "auto":
            backend = auto_backend(weights_dir)
        card = json.loads((weights_dir / "model_card.json").read_text())
        built = ensure_built(weights_dir, cache_dir, progress)
        if backend == "torch":
            return cls(_torch_backend(weights_dir, threads), backend, built / "tokenizer.json", card)
        tokenizer = built / "tokenizer.json"
        if backend == "onnx-cascade":
            if margin is None:
                margin = float(evaluation(weights_dir).get("cascade", {}).get("margin", 1.0))
            return cls(_onnx_backend(built / "model.int8.onnx", threads), backend, tokenizer, card,
                       fallback=_onnx_backend(built / "model.onnx", threads), margin=margin)
        graph = built / ("model.int8.onnx" if backend == "onnx-int8" else "model.onnx")
        return cls(_onnx_backend(graph, threads), backend, tokenizer, card)

    def pairs(self, conversation: Sequence[SegmentInput]) -> list[tuple[str, str | None]]:
        """The model's inputs for one conversation, read with the neighbours it was trained on."""
        return context_pairs(conversation, self.card["context"], self.card.get("context_words", CONTEXT_WORDS))

    def logits(self, pairs: Sequence[tuple[str, str | None]], backend: Backend | None = None) -> np.ndarray:
        """Raw logits in input order; batches are length-sorted so padding stays near zero."""
        encoded = encode(self._tokenizer, pairs)
        out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
        for batch in length_batches([len(ids) for ids, _ in encoded]):
            out[batch] = (backend or self.backend)(pad([encoded[i] for i in batch]))
        return out

    def conversation_logits(
        self, pairs_by_conversation: Sequence[Sequence[tuple[str, str | None]]], backend: Backend | None = None
    ) -> np.ndarray:
        """Logits for every segment of every conversation, each conversation batched on its own.

        int8 quantises activations with one scale per batch, so batching transcripts together would let a
        transcript's labels depend on which others came with it (a batch run and the API would disagree).
        """
        parts = [self.logits(pairs, backend) for pairs in pairs_by_conversation if pairs]
        return np.concatenate(parts) if parts else np.zeros((0, len(LABELS)), dtype=np.float32)

    def posteriors(self, logits: np.ndarray, lengths: Sequence[int]) -> np.ndarray:
        """Calibrate, smooth each conversation along its label sequence, then recalibrate."""
        smoothed = smooth_each(softmax(logits, self.temperature), lengths, self._transitions, self._alpha)
        return sharpen(smoothed, self._posterior_temperature)

    def rescore(self, pairs: Sequence[tuple[str, str | None]], logits: np.ndarray, lengths: Sequence[int],
                margin: float, fallback: Backend) -> tuple[np.ndarray, np.ndarray]:
        """Swap in fallback logits where the posterior's top-two margin is under `margin`.

        Returns the new posterior and the indices that were re-scored.
        """
        unsure = np.flatnonzero(margins(self.posteriors(logits, lengths)) < margin)
        if unsure.size:
            logits = logits.copy()
            logits[unsure] = self.logits([pairs[int(i)] for i in unsure], fallback)
        return self.posteriors(logits, lengths), unsure

    def probabilities(self, conversations: Sequence[Sequence[SegmentInput]]) -> list[np.ndarray]:
        """Calibrated, sequence-smoothed label probabilities per conversation."""
        by_conversation = [self.pairs(conv) for conv in conversations]
        pairs = [p for conv_pairs in by_conversation for p in conv_pairs]
        if not pairs:
            return [np.zeros((0, len(LABELS))) for _ in conversations]
        lengths = [len(conv) for conv in conversations]
        logits = self.conversation_logits(by_conversation)
        if self._fallback is None:
            probs = self.posteriors(logits, lengths)
        else:
            probs, _ = self.rescore(pairs, logits, lengths, self._margin, self._fallback)
        return np.split(probs, np.cumsum(lengths)[:-1])

    def predict(self, conversations: Sequence[Sequence[SegmentInput]]) -> list[list[Prediction]]:
        """Predict every segment of every conversation; inputs are left untouched."""
        return [
            [
                Prediction(
                    label=LABELS[int(row.argmax())],
                    confidence=round(float(row.max()), 4),
                    scores={label: round(float(p), 4) for label, p in zip(LABELS, row, strict=True)},
                )
                for row in probs
            ]
            for probs in self.probabilities(conversations)
        ]

    def predict_one(self, conversation: Sequence[SegmentInput]) -> list[Prediction]:
        return self.predict([conversation])[0]
