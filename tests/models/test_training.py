import json

import pytest
from safetensors.numpy import load_file

from models import corpus
from models.training import TrainConfig, fit_temperature, segment_weights, train

pytestmark = pytest.mark.model


def test_a_tiny_run_writes_a_delta_and_card(tmp_path):
    seen = []
    card = train(TrainConfig(epochs=1, limit_transcripts=1), tmp_path, lambda d, a, b: seen.append(a))
    assert seen and seen[-1] == len(seen)
    weights = load_file(str(tmp_path / "adapter.safetensors"))
    assert any("lora_A" in k for k in weights) and any("head" in k for k in weights)
    stored = json.loads((tmp_path / "model_card.json").read_text())
    assert stored["corpus_sha256"] == corpus.file_hash() and stored["train"]["seed"] == 13
    assert 0 <= card["dev"]["macro_f1"] <= 1 and card["temperature"] > 0


def test_temperature_fit_sharpens_underconfident_logits():
    import numpy as np

    logits = np.array([[0.2, 0.0, 0.0, 0.0]] * 50 + [[0.0, 0.2, 0.0, 0.0]] * 50, dtype=np.float32)
    gold = [0] * 50 + [1] * 50
    assert fit_temperature(logits, gold) < 0.2


def test_config_rejects_unknown_context():
    with pytest.raises(ValueError):
        TrainConfig(context="sideways")


def test_config_rejects_word_weight_outside_unit_interval():
    with pytest.raises(ValueError):
        TrainConfig(word_weight=1.5)


def test_segment_weights_follow_words_at_the_chosen_power():
    transcript = corpus.split(corpus.load())["train"][0]
    words = [max(1, len(s.text.split())) for s in transcript.segments]
    flat = segment_weights([transcript], 0.0)
    assert flat.tolist() == [1.0] * len(words)
    full = segment_weights([transcript], 1.0)
    assert abs(float(full.mean()) - 1.0) < 1e-5
    longest, shortest = words.index(max(words)), words.index(min(words))
    assert abs(float(full[longest] / full[shortest]) - max(words) / min(words)) < 1e-3
