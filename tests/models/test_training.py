import json

import pytest
from safetensors.numpy import load_file

from models import corpus
from models.training import TrainConfig, fit_temperature, train

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
