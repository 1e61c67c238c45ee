import json

import pytest
from safetensors.numpy import load_file

from models import corpus
from models.training import TrainConfig, build_model, conversation_logits, fit_temperature, train

pytestmark = pytest.mark.model


def test_a_tiny_run_writes_a_delta_and_card(tmp_path):
    seen = []
    card = train(TrainConfig(epochs=1, limit_transcripts=1), tmp_path, lambda d, a, b: seen.append(a))
    assert seen and seen[-1] == len(seen)
    weights = load_file(str(tmp_path / "adapter.safetensors"))
    assert any("lora_A" in k for k in weights) and any("context" in k and "gru" in k for k in weights)
    stored = json.loads((tmp_path / "model_card.json").read_text())
    assert stored["corpus_sha256"] == corpus.file_hash() and stored["train"]["seed"] == 13
    assert 0 <= card["dev"]["macro_f1"] <= 1 and card["temperature"] > 0


def test_temperature_fit_sharpens_underconfident_logits():
    import numpy as np

    logits = np.array([[0.2, 0.0, 0.0, 0.0]] * 50 + [[0.0, 0.2, 0.0, 0.0]] * 50, dtype=np.float32)
    gold = [0] * 50 + [1] * 50
    assert fit_temperature(logits, gold) < 0.2


def test_config_rejects_impossible_settings():
    with pytest.raises(ValueError):
        TrainConfig(asr_augment=1.5)
    with pytest.raises(ValueError):
        TrainConfig(context_size=0)
    with pytest.raises(ValueError):
        TrainConfig(lora_layers=7)
    with pytest.raises(ValueError):
        TrainConfig(rank_dropout=1.0)


def test_the_adapter_sits_only_in_the_top_layers_asked_for():
    """Below those layers no weight needs a gradient, so backward stops there."""
    model = build_model(TrainConfig(lora_layers=2))
    layers = {name.split(".layer.")[1].split(".")[0] for name, p in model.named_parameters() if "lora_" in name}
    assert layers == {"4", "5"}


def test_rank_dropout_noises_only_the_adapter_and_only_in_training():
    """Base dropout is switched off (eval) so only the adapter's bottleneck can add noise; the saved keys are a
    plain adapter's, so models/build.py loads a model trained this way unchanged."""
    import torch
    from peft import get_peft_model_state_dict

    from models.base import base_model_path
    from models.encoding import encode, load_tokenizer, pad

    torch.manual_seed(0)
    model = build_model(TrainConfig(lora_dropout=0.0, rank_dropout=0.5)).eval()
    assert set(get_peft_model_state_dict(model)) == set(get_peft_model_state_dict(build_model(TrainConfig(lora_dropout=0.0))))
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    arrays = pad(encode(load_tokenizer(str(base_model_path() / "tokenizer.json")), ["how did the demo go", "yeah"]))
    inputs = {k: torch.from_numpy(v) for k, v in arrays.items()}
    with torch.no_grad():
        assert torch.equal(model.segments(**inputs), model.segments(**inputs))
        for name, module in model.named_modules():
            if name.endswith("lora_A.default"):
                module.train()
        assert not torch.allclose(model.segments(**inputs), model.segments(**inputs))


def test_context_layer_reads_the_whole_conversation_both_ways():
    """Changing the last segment moves the first segment's logits: the GRU carries context backwards too."""
    import torch

    from models.base import base_model_path
    from models.encoding import SegmentInput, encode, features, load_tokenizer

    torch.manual_seed(0)
    model = build_model(TrainConfig()).eval()
    tokenizer = load_tokenizer(str(base_model_path() / "tokenizer.json"))

    def first_logits(last: str) -> torch.Tensor:
        conversation = [SegmentInput("M", "yeah"), SegmentInput("R", "okay"), SegmentInput("M", last)]
        with torch.inference_mode():
            return conversation_logits(model, encode(tokenizer, [s.text for s in conversation]), features(conversation), "cpu")[0]

    assert not torch.allclose(first_logits("my daughter started school"), first_logits("the forecast for q3"))
