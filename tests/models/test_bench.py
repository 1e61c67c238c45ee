import pytest

from models.classifier import WEIGHTS_DIR, SegmentClassifier
from scripts.bench import encoder_flops, feature_pipeline, meeting

pytestmark = pytest.mark.model


def test_the_naive_pipeline_baseline_runs_the_shipped_model():
    conversation = meeting(12)
    classifier = SegmentClassifier.load(WEIGHTS_DIR, backend="torch")
    batched = classifier.logits(conversation, classifier.vectors([s.text for s in conversation]))
    assert feature_pipeline(WEIGHTS_DIR)(conversation) == batched.argmax(1).tolist()


def test_encoder_flops_grow_with_tokens_and_attention():
    assert encoder_flops([10]) * 2 < encoder_flops([20]) < encoder_flops([10]) * 2.2
