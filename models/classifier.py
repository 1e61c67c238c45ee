"""The segment classifier at inference: batched, length-sorted, int8 ONNX by default.

Serving imports onnxruntime and tokenizers only; torch is loaded just for the fp32 reference backend
and for the one-time build of the ONNX graphs (see models/build.py).
"""

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.build import Progress, ensure_built, merged_model
from models.encoding import SegmentInput, context_pairs, encode, length_batches, load_tokenizer, pad
from models.labels import LABELS
from models.metrics import softmax
from models.smoothing import sharpen, smooth_each

WEIGHTS_DIR = Path(__file__).parent / "weights"
DEFAULT_CACHE = Path.home() / ".cache" / "oneonone-balance"
BACKENDS = ("auto", "onnx-int8", "onnx-fp32", "torch")
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
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
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


def int8_agreement(weights_dir: Path) -> float:
    """Share of test segments where int8 and fp32 agree, as scripts/evaluate.py measured it (0 if never)."""
    report = weights_dir / "evaluation.json"
    return float(json.loads(report.read_text()).get("int8_fp32_agreement", 0.0)) if report.exists() else 0.0


def auto_backend(weights_dir: Path) -> str:
    """int8 once its labels agree with fp32 on at least 99.5% of test segments, else fp32."""
    return "onnx-int8" if int8_agreement(weights_dir) >= INT8_GATE else "onnx-fp32"


class SegmentClassifier:
    """Label segments of whole conversations; each segment is read with its neighbours."""

    def __init__(self, backend: Backend, backend_name: str, tokenizer_path: Path, card: dict) -> None:
        self._backend = backend
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
    ) -> "SegmentClassifier":
        """Load once per process; builds the ONNX graphs into cache_dir the first time (`auto`: see auto_backend)."""
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        if backend == "auto":
            backend = auto_backend(weights_dir)
        card = json.loads((weights_dir / "model_card.json").read_text())
        built = ensure_built(weights_dir, cache_dir, progress)
        if backend == "torch":
            return cls(_torch_backend(weights_dir, threads), backend, built / "tokenizer.json", card)
        graph = built / ("model.int8.onnx" if backend == "onnx-int8" else "model.onnx")
        return cls(_onnx_backend(graph, threads), backend, built / "tokenizer.json", card)

    def logits(self, pairs: Sequence[tuple[str, str | None]]) -> np.ndarray:
        """Raw logits in input order; batches are length-sorted so padding stays near zero."""
        encoded = encode(self._tokenizer, pairs)
        out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
        for batch in length_batches([len(ids) for ids, _ in encoded]):
            out[batch] = self._backend(pad([encoded[i] for i in batch]))
        return out

    def probabilities(self, conversations: Sequence[Sequence[SegmentInput]]) -> list[np.ndarray]:
        """Calibrated, sequence-smoothed label probabilities per conversation, all in one batched pass."""
        pairs = [p for conv in conversations for p in context_pairs(conv, self.card["context"])]
        if not pairs:
            return [np.zeros((0, len(LABELS))) for _ in conversations]
        lengths = [len(conv) for conv in conversations]
        smoothed = smooth_each(softmax(self.logits(pairs), self.temperature), lengths, self._transitions, self._alpha)
        return np.split(sharpen(smoothed, self._posterior_temperature), np.cumsum(lengths)[:-1])

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
