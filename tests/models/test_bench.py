import pytest

from models.classifier import WEIGHTS_DIR, SegmentClassifier
from models.labels import LABELS
from scripts.bench import encoder_flops, meeting, text_pipeline

pytestmark = pytest.mark.model


def test_the_naive_pipeline_baseline_runs_the_shipped_model():
    conversation = meeting(12)
    classifier = SegmentClassifier.load(WEIGHTS_DIR, backend="torch")
    pairs = classifier.pairs(conversation)
    classify = text_pipeline(WEIGHTS_DIR)
    from_pipeline = [LABELS.index(classify(p)[0]["label"]) for p in pairs]
    assert from_pipeline == classifier.logits(pairs).argmax(1).tolist()


def test_encoder_flops_grow_with_tokens_and_attention():
    assert encoder_flops([10]) * 2 < encoder_flops([20]) < encoder_flops([10]) * 2.2
