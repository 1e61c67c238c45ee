"""Assemble the serving model on first use: base weights + shipped LoRA delta -> ONNX graphs.

The segment encoder is built in fp32 and int8; the small context layer (head.onnx) stays fp32. The
repository ships only the delta (a few MB); the assembled graphs (~90 MB fp32, ~23 MB int8) are
built once into a cache directory keyed by the delta's hash, written atomically, and reused.

Attention, embeddings and GELU are fused; residual Add + LayerNormalization is left unfused (UNFUSED,
also passed to every session), because ONNX Runtime's CPU SkipLayerNormalization kernel took 0.45 s of
the int8 graph's 1.42 s on the 900-segment bench meeting (a model that read neighbours' words), against
0.09 s for the two plain ops.
"""

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from models.base import base_model_path

Progress = Callable[[str, int, int], None]
OPSET = 17
BUILD_VERSION = 5
GRAPHS = ("encoder.onnx", "encoder.int8.onnx", "head.onnx")
UNFUSED = ("SkipLayerNormFusion",)


def cache_key(weights_dir: Path) -> str:
    """Version plus the adapter's hash, so retrained weights never reuse a stale graph."""
    card = json.loads((weights_dir / "model_card.json").read_text())
    digest = hashlib.sha256((weights_dir / "adapter.safetensors").read_bytes()).hexdigest()[:12]
    return f"{card['version']}-{digest}-b{BUILD_VERSION}"


def merged_model(weights_dir: Path):  # type: ignore[no-untyped-def]  # returns a torch module; torch stays lazy
    """The base encoder with the adapter merged into its weights, and the context layer: the fp32 reference model."""
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict
    from safetensors.torch import load_file

    from models.modeling import ConversationModel

    card = json.loads((weights_dir / "model_card.json").read_text())
    layers = card["lora"].get("layers")
    lora = LoraConfig(
        r=card["lora"]["r"], lora_alpha=card["lora"]["alpha"], target_modules=card["lora"]["targets"],
        layers_to_transform=layers, layers_pattern="layer" if layers else None, modules_to_save=["context"],
    )
    model = get_peft_model(ConversationModel.from_base(base_model_path(), card["context_size"], attention="eager"), lora)
    set_peft_model_state_dict(model, load_file(str(weights_dir / "adapter.safetensors")))
    return model.merge_and_unload().eval()


def _export_encoder(model, path: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    dummy = {
        "input_ids": torch.ones(2, 16, dtype=torch.long),
        "attention_mask": torch.ones(2, 16, dtype=torch.long),
        "token_type_ids": torch.zeros(2, 16, dtype=torch.long),
    }
    axes = {name: {0: "batch", 1: "tokens"} for name in dummy}
    torch.onnx.export(
        model.segments, (dummy["input_ids"], dummy["attention_mask"], dummy["token_type_ids"]), str(path),
        input_names=list(dummy), output_names=["embeddings"], dynamic_axes={**axes, "embeddings": {0: "batch"}},
        opset_version=OPSET, dynamo=False,
    )


def _export_head(model, path: Path) -> None:  # type: ignore[no-untyped-def]
    import torch

    from models.encoding import FEATURES

    dummy = (torch.zeros(1, 5, model.context.gru.input_size - FEATURES), torch.zeros(1, 5, FEATURES))
    axes = {"embeddings": {1: "segments"}, "features": {1: "segments"}, "logits": {1: "segments"}}
    torch.onnx.export(model.context, dummy, str(path), input_names=["embeddings", "features"],
                      output_names=["logits"], dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def ensure_built(weights_dir: Path, cache_dir: Path, progress: Progress | None = None) -> Path:
    """Return the cache folder holding encoder.onnx, encoder.int8.onnx and head.onnx, building them if missing."""
    target = cache_dir / cache_key(weights_dir)
    if all((target / name).exists() for name in GRAPHS):
        return target
    try:
        import torch  # noqa: F401
    except ImportError:
        raise RuntimeError(
            f"The model cache {target} is missing and this process cannot build it (torch is kept out of the "
            "serving process); run `python -m scripts.build_model` first."
        ) from None
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    report = progress or (lambda *_: None)
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=cache_dir))
    try:
        report("merging adapter into base", 0, 4)
        model = merged_model(weights_dir)
        report("exporting ONNX", 1, 4)
        _export_encoder(model, work / "raw.onnx")
        _export_head(model, work / "head.onnx")
        report("fusing attention", 2, 4)
        config = json.loads((base_model_path() / "config.json").read_text())
        fusions = FusionOptions("bert")
        fusions.enable_skip_layer_norm = False
        fused = optimize_model(str(work / "raw.onnx"), model_type="bert", optimization_options=fusions,
                               num_heads=config["num_attention_heads"], hidden_size=config["hidden_size"])
        fused.save_model_to_file(str(work / "encoder.onnx"))
        report("quantizing to int8", 3, 4)
        quantize_dynamic(
            str(work / "encoder.onnx"), str(work / "encoder.int8.onnx"),
            per_channel=True, reduce_range=True, weight_type=QuantType.QInt8,
            extra_options={"DefaultTensorType": TensorProto.FLOAT},
        )
        (work / "raw.onnx").unlink()
        shutil.copy(base_model_path() / "tokenizer.json", work / "tokenizer.json")
        shutil.copy(weights_dir / "model_card.json", work / "model_card.json")
        shutil.rmtree(target, ignore_errors=True)
        work.rename(target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report("ready", 4, 4)
    return target
