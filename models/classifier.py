"""The segment classifier at inference: segments encoded in length-sorted batches, int8 ONNX by default once it matches fp32.

Each segment is encoded alone into a vector (the costly part), then a small bidirectional GRU reads the
conversation's vectors in order (head.onnx, fp32, a few ms). Serving imports onnxruntime and tokenizers
only; torch is loaded just for the fp32 reference backend and for the one-time build of the ONNX graphs
(see models/build.py). The `onnx-cascade` backend encodes every segment in int8 and re-encodes with fp32
only the segments whose smoothed posterior is unsure (top-two margin under a threshold chosen on dev) and
their nearest neighbours, since the context layer reads each label partly from the vectors around it.
"""

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.build import UNFUSED, Progress, ensure_built, merged_model
from models.encoding import SegmentInput, encode, features, length_batches, load_tokenizer, pad
from models.labels import LABELS
from models.metrics import softmax
from models.smoothing import sharpen, smooth

WEIGHTS_DIR = Path(__file__).parent / "weights"
DEFAULT_CACHE = Path.home() / ".cache" / "oneonone-balance"
BACKENDS = ("auto", "onnx-int8", "onnx-cascade", "onnx-fp32", "torch")
INT8_GATE = 0.995
Encoder = Callable[[dict[str, np.ndarray]], np.ndarray]
Head = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass(frozen=True)
class Prediction:
    label: str
    confidence: float
    scores: dict[str, float]


def _onnx_session(path: Path, threads: int):  # type: ignore[no-untyped-def]
    """ONNX Runtime on every logical core by default: its own default counts physical cores only."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or os.cpu_count() or 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"], disabled_optimizers=list(UNFUSED))


def onnx_encoder(path: Path, threads: int = 0) -> Encoder:
    session = _onnx_session(path, threads)
    names = {i.name for i in session.get_inputs()}

    def run(arrays: dict[str, np.ndarray]) -> np.ndarray:
        return session.run(["embeddings"], {k: v for k, v in arrays.items() if k in names})[0]

    return run


def _onnx_head(path: Path, threads: int) -> Head:
    session = _onnx_session(path, threads)

    def run(vectors: np.ndarray, feats: np.ndarray) -> np.ndarray:
        return session.run(["logits"], {"embeddings": vectors[None], "features": feats[None]})[0][0]

    return run


def _torch_backend(weights_dir: Path, threads: int) -> tuple[Encoder, Head]:
    import torch

    if threads:
        torch.set_num_threads(threads)
    model = merged_model(weights_dir)

    def encoder(arrays: dict[str, np.ndarray]) -> np.ndarray:
        with torch.inference_mode():
            return model.segments(**{k: torch.from_numpy(v) for k, v in arrays.items()}).numpy()

    def head(vectors: np.ndarray, feats: np.ndarray) -> np.ndarray:
        with torch.inference_mode():
            return model.context(torch.from_numpy(vectors)[None], torch.from_numpy(feats)[None])[0].numpy()

    return encoder, head


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


def margins(probs: np.ndarray) -> np.ndarray:
    top = np.sort(probs, axis=1)
    return top[:, -1] - top[:, -2]


@dataclass(frozen=True)
class Cascade:
    """Which int8-encoded segments the cascade encodes again in fp32: those whose top-two margin is under
    `margin`, each with `neighbours` segments either side of it.

    An unsure label is read by the GRU from its neighbours' vectors as much as from its own, so their int8
    error is part of its doubt: on dev, re-encoding one neighbour each side reached the cascade's agreement
    target re-encoding half as many segments as widening the margin did.
    """

    margin: float
    neighbours: int = 0

    @classmethod
    def chosen(cls, measured: dict) -> "Cascade":
        """The rule scripts/evaluate.py chose on dev (from evaluation.json); without one, re-encode everything."""
        rule = measured.get("cascade", {})
        return cls(float(rule.get("margin", 1.0)), int(rule.get("neighbours", 0)))

    def unsure(self, probs: np.ndarray) -> np.ndarray:
        """Indices of the segments to re-encode, in order."""
        unsure = margins(probs) < self.margin
        spread = unsure.copy()
        for step in range(1, min(self.neighbours, len(unsure)) + 1):
            spread[step:] |= unsure[:-step]
            spread[:-step] |= unsure[step:]
        return np.flatnonzero(spread)


class SegmentClassifier:
    """Label segments of whole conversations; each segment is read with everything around it."""

    def __init__(self, encoder: Encoder, head: Head, backend_name: str, tokenizer_path: Path, card: dict,
                 fallback: Encoder | None = None, cascade: Cascade | None = None) -> None:
        self.encoder, self.head = encoder, head
        self._fallback, self._cascade = fallback, cascade or Cascade(0.0)
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
        cascade: Cascade | None = None,
    ) -> "SegmentClassifier":
        """Load once per process; builds the ONNX graphs into cache_dir the first time (`auto`: see choose_backend).

        `cascade` overrides the re-encoding rule, which otherwise comes from evaluation.json.
        """
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
        measured = evaluation(weights_dir)
        if backend == "auto":
            backend = choose_backend(measured)
        card = json.loads((weights_dir / "model_card.json").read_text())
        built = ensure_built(weights_dir, cache_dir, progress)
        tokenizer = built / "tokenizer.json"
        if backend == "torch":
            return cls(*_torch_backend(weights_dir, threads), backend, tokenizer, card)
        head = _onnx_head(built / "head.onnx", 1)
        if backend == "onnx-cascade":
            return cls(onnx_encoder(built / "encoder.int8.onnx", threads), head, backend, tokenizer, card,
                       fallback=onnx_encoder(built / "encoder.onnx", threads), cascade=cascade or Cascade.chosen(measured))
        graph = built / ("encoder.int8.onnx" if backend == "onnx-int8" else "encoder.onnx")
        return cls(onnx_encoder(graph, threads), head, backend, tokenizer, card)

    def vectors(self, texts: Sequence[str], encoder: Encoder | None = None) -> np.ndarray:
        """One vector per text, in input order; batches are length-sorted so padding stays near zero.

        Callers pass one conversation at a time: int8 quantises activations with one scale per batch, so
        batching transcripts together would let a transcript's labels depend on which others came with it.
        """
        encoded = encode(self._tokenizer, texts)
        batches = length_batches([len(ids) for ids in encoded])
        parts = [(encoder or self.encoder)(pad([encoded[i] for i in batch])) for batch in batches]
        out = np.empty((len(encoded), parts[0].shape[1]), dtype=np.float32)
        for batch, part in zip(batches, parts, strict=True):
            out[batch] = part
        return out

    def logits(self, conversation: Sequence[SegmentInput], vectors: np.ndarray) -> np.ndarray:
        """The context layer over one conversation's segment vectors."""
        return self.head(vectors, features(conversation))

    def posteriors(self, logits: np.ndarray) -> np.ndarray:
        """Calibrate, smooth one conversation along its label sequence, then recalibrate."""
        smoothed = smooth(softmax(logits, self.temperature), self._transitions, self._alpha)
        return sharpen(smoothed, self._posterior_temperature)

    def rescore(self, conversation: Sequence[SegmentInput], vectors: np.ndarray, cascade: Cascade,
                fallback: Encoder) -> tuple[np.ndarray, np.ndarray]:
        """Re-encode with `fallback` the segments `cascade` finds unsure.

        Returns the new posterior and the indices that were re-encoded.
        """
        unsure = cascade.unsure(self.posteriors(self.logits(conversation, vectors)))
        if unsure.size:
            vectors = vectors.copy()
            vectors[unsure] = self.vectors([conversation[int(i)].text for i in unsure], fallback)
        return self.posteriors(self.logits(conversation, vectors)), unsure

    def conversation_probabilities(self, conversation: Sequence[SegmentInput]) -> np.ndarray:
        """Calibrated, sequence-smoothed label probabilities for one conversation."""
        if not conversation:
            return np.zeros((0, len(LABELS)))
        vectors = self.vectors([s.text for s in conversation])
        if self._fallback is None:
            return self.posteriors(self.logits(conversation, vectors))
        return self.rescore(conversation, vectors, self._cascade, self._fallback)[0]

    def probabilities(self, conversations: Sequence[Sequence[SegmentInput]]) -> list[np.ndarray]:
        return [self.conversation_probabilities(conv) for conv in conversations]

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
