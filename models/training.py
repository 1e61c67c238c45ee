"""Fine-tune MiniLM with a LoRA adapter under a bidirectional GRU; only the adapter and the GRU layer are saved.

The delta is a few MB, so the repository stays light while the pinned base package supplies the
other 90 MB. Temperature is fitted on dev after training so confidences mean what they say.
"""

import copy
import hashlib
import json
import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, PeftModel, get_peft_model, get_peft_model_state_dict
from safetensors.torch import save_file
from tokenizers import Tokenizer

from models import corpus
from models.base import base_model_info, base_model_path
from models.build import Progress
from models.encoding import asr_like, encode, features, length_batches, load_tokenizer, pad
from models.labels import LABEL_SET_VERSION, LABELS
from models.metrics import softmax, split_report
from models.modeling import ConversationModel
from models.smoothing import sharpen, smooth_each, transition_matrix

LORA_TARGETS = ["query", "key", "value", "dense"]
ENCODER_LAYERS = 6
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5)


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a run, stored in the model card; checked up front so a typo fails before training."""

    seed: int = 13
    epochs: int = 6
    lr: float = 6e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.0
    rank_dropout: float = 0.1
    lora_layers: int = 6
    context_size: int = 128
    asr_augment: float = 0.35
    upload_views: int = 3
    view_share: float = 0.5
    limit_transcripts: int = 0

    def __post_init__(self) -> None:
        if not (0 <= self.asr_augment <= 1 and 0 <= self.view_share <= 1) or self.upload_views < 0:
            raise ValueError("asr_augment and view_share must be in [0, 1], upload_views at least 0")
        if not (0 <= self.lora_dropout < 1 and 0 <= self.rank_dropout < 1):
            raise ValueError("lora_dropout and rank_dropout must be in [0, 1)")
        if self.epochs < 1 or self.lora_r < 1 or self.context_size < 1:
            raise ValueError("epochs, lora_r and context_size must be at least 1")
        if not 1 <= self.lora_layers <= ENCODER_LAYERS:
            raise ValueError(f"lora_layers must be between 1 and {ENCODER_LAYERS}")


@dataclass(frozen=True)
class Encoded:
    """One transcript as the model reads it: token ids (as written and as ASR would give them) and features."""

    clean: list[list[int]]
    noisy: list[list[int]]
    features: np.ndarray
    gold: torch.Tensor


def encode_transcripts(tokenizer: Tokenizer, transcripts: Sequence[corpus.LabelledTranscript]) -> list[Encoded]:
    return [
        Encoded(
            clean=encode(tokenizer, [s.text for s in t.segments]),
            noisy=encode(tokenizer, [asr_like(s.text) for s in t.segments]),
            features=features(t.segments),
            gold=torch.tensor(corpus.label_ids([t])),
        )
        for t in transcripts
    ]


def version(corpus_sha: str, config: TrainConfig) -> str:
    """Corpus hash, epochs and a hash of every setting: two models from one corpus never share a name."""
    settings = hashlib.sha256(json.dumps(asdict(config), sort_keys=True).encode()).hexdigest()[:6]
    return f"minilm-lora-bigru-{corpus_sha[:8]}-e{config.epochs}-{settings}"


def lora_layers(count: int) -> list[int]:
    """The top `count` encoder layers: with the adapter only there, backward stops below them."""
    return list(range(ENCODER_LAYERS - count, ENCODER_LAYERS))


def build_model(config: TrainConfig) -> PeftModel:
    """The base encoder wrapped with a fresh LoRA adapter; the context layer is trained in full."""
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=LORA_TARGETS,
        layers_to_transform=lora_layers(config.lora_layers),
        layers_pattern="layer",
        modules_to_save=["context"],
    )
    model = get_peft_model(ConversationModel.from_base(base_model_path(), config.context_size), lora)
    if config.rank_dropout:
        for name, module in model.named_modules():
            if name.endswith("lora_A.default"):
                module.register_forward_hook(partial(_rank_dropout, config.rank_dropout))
    return model


def _rank_dropout(p: float, module: torch.nn.Module, inputs: tuple, output: torch.Tensor) -> torch.Tensor:
    """Dropout on the adapter's r-wide bottleneck instead of its input: the same kind of noise on the update,
    from 24-96x fewer random numbers, which on two CPU cores is most of what input dropout costs a step."""
    return torch.nn.functional.dropout(output, p, module.training)


def conversation_logits(
    model: PeftModel | ConversationModel, token_ids: Sequence[list[int]], feats: np.ndarray, device: str
) -> torch.Tensor:
    """Logits for one conversation: segments encoded in length-sorted batches, then read in order."""
    batches = length_batches([len(ids) for ids in token_ids])
    parts = []
    for batch in batches:
        arrays = pad([token_ids[i] for i in batch])
        parts.append(model.segments(**{k: torch.from_numpy(v).to(device) for k, v in arrays.items()}))
    order = torch.tensor([i for batch in batches for i in batch], device=device)
    vectors = torch.cat(parts)[torch.argsort(order)]
    return model.context(vectors[None], torch.from_numpy(feats).to(device)[None])[0]


@torch.inference_mode()
def predict_logits(model: PeftModel, encoded: Sequence[Encoded], device: str) -> np.ndarray:
    """Logits of every segment, conversations in order, from a merged copy (a fifth faster than LoRA's side path)."""
    merged = copy.deepcopy(model).merge_and_unload().eval()
    return np.concatenate([conversation_logits(merged, e.clean, e.features, device).float().cpu().numpy() for e in encoded])


def fit_temperature(logits: np.ndarray, gold: Sequence[int]) -> float:
    """Temperature that minimises dev negative log-likelihood (Guo et al., 2017)."""
    x = torch.from_numpy(logits).double()
    y = torch.tensor(list(gold))
    log_t = torch.zeros(1, dtype=torch.double, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200)

    def closure() -> torch.Tensor:
        optimizer.zero_grad()
        loss = torch.nn.functional.cross_entropy(x / log_t.exp(), y)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(log_t.exp().item())


def smoothed_probs(
    logits: np.ndarray, transcripts: Sequence[corpus.LabelledTranscript], temperature: float,
    transitions: np.ndarray, alpha: float,
) -> np.ndarray:
    """Calibrated, sequence-smoothed probabilities for logits in corpus order."""
    return smooth_each(softmax(logits, temperature), [len(t.segments) for t in transcripts], transitions, alpha)


def evaluate_split(probs: np.ndarray, transcripts: Sequence[corpus.LabelledTranscript]) -> dict:
    """The evaluation numbers for one split, from probabilities in corpus order."""
    return split_report(probs.argmax(1).tolist(), transcripts, probs)


Views = Mapping[str, Sequence[corpus.LabelledTranscript]]


def train(config: TrainConfig, out_dir: Path, progress: Progress, views: Views | None = None,
          dev_views: Sequence[corpus.LabelledTranscript] = ()) -> dict:
    """Train, pick the best epoch on dev, calibrate, and write adapter + model card into out_dir.

    One step is one whole conversation, so the context layer learns from real turn sequences; each
    conversation is shown as ASR would transcribe it with probability `asr_augment`, and with probability
    `view_share` as one of its `views` (the same words re-cut as an upload's segmenter cuts them, see
    pipeline/resegment.py). Dev is read after each epoch of the second half only: with the learning rate
    decaying linearly to zero, an early epoch has never been the best, and each dev pass costs a minute on
    two cores. With `dev_views`, the best epoch is the one with the best mean of dev macro-F1
    on the written segments and on those views, since uploads arrive as the latter.
    """
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    splits = corpus.split(corpus.load())
    train_set = splits["train"][: config.limit_transcripts or None]
    tokenizer = load_tokenizer(str(base_model_path() / "tokenizer.json"))
    train_encoded = encode_transcripts(tokenizer, train_set)
    view_encoded = {t.id: encode_transcripts(tokenizer, (views or {}).get(t.id, ())) for t in train_set}
    dev_encoded = encode_transcripts(tokenizer, splits["dev"])
    dev_view_encoded = encode_transcripts(tokenizer, dev_views)
    dev_gold = corpus.label_ids(splits["dev"])

    model = build_model(config).to(device)
    head = [p for n, p in model.named_parameters() if p.requires_grad and ".context." in n]
    lora = [p for n, p in model.named_parameters() if p.requires_grad and ".context." not in n]
    optimizer = torch.optim.AdamW(
        [{"params": lora, "lr": config.lr}, {"params": head, "lr": config.head_lr}], weight_decay=config.weight_decay
    )
    total = len(train_encoded) * config.epochs
    warm = max(1, int(total * config.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    best: dict = {"score": -1.0}
    history, step, started = [], 0, time.time()
    for epoch in range(config.epochs):
        model.train()
        for t, e in random.sample(list(zip(train_set, train_encoded, strict=True)), len(train_encoded)):
            if view_encoded[t.id] and random.random() < config.view_share:
                e = random.choice(view_encoded[t.id])
            ids = e.noisy if random.random() < config.asr_augment else e.clean
            logits = conversation_logits(model, ids, e.features, device)
            loss = torch.nn.functional.cross_entropy(logits, e.gold.to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            progress(f"epoch {epoch + 1}/{config.epochs} loss {loss.item():.3f}", step, total)
        if epoch < config.epochs // 2:
            continue
        dev_logits = predict_logits(model, dev_encoded, device)
        dev = evaluate_split(softmax(dev_logits), splits["dev"])
        record = {"epoch": epoch + 1, "dev_macro_f1": dev["macro_f1"], "dev_accuracy": dev["accuracy"],
                  "dev_share_error_pp": dev["share_error_pp"]}
        score = dev["macro_f1"]
        if dev_views:
            record["dev_views_macro_f1"] = evaluate_split(
                softmax(predict_logits(model, dev_view_encoded, device)), dev_views)["macro_f1"]
            score = (score + record["dev_views_macro_f1"]) / 2
        history.append(record)
        if score > best["score"]:
            best = {"score": score, "state": copy.deepcopy(get_peft_model_state_dict(model)), "logits": dev_logits}
    temperature = fit_temperature(best["logits"], dev_gold)
    transitions = transition_matrix([t.labels for t in train_set])
    by_alpha = {
        alpha: evaluate_split(smoothed_probs(best["logits"], splits["dev"], temperature, transitions, alpha), splits["dev"])
        for alpha in ALPHAS
    }
    alpha = max(ALPHAS, key=lambda a: by_alpha[a]["macro_f1"])
    smoothed = smoothed_probs(best["logits"], splits["dev"], temperature, transitions, alpha)
    posterior_temperature = fit_temperature(np.log(smoothed + 1e-9).astype(np.float32), dev_gold)
    dev_report = evaluate_split(sharpen(smoothed, posterior_temperature), splits["dev"])
    corpus_sha = corpus.file_hash()
    card = {
        "name": "oneonone-segment-classifier",
        "version": version(corpus_sha, config),
        "label_set": LABEL_SET_VERSION,
        "labels": list(LABELS),
        "base": base_model_info(),
        "context": "bigru",
        "context_size": config.context_size,
        "temperature": temperature,
        "smoothing": {"alpha": alpha, "transitions": np.round(transitions, 5).tolist(),
                      "posterior_temperature": posterior_temperature,
                      "dev_macro_f1_by_alpha": {str(a): round(r["macro_f1"], 4) for a, r in by_alpha.items()},
                      "dev_share_error_by_alpha": {str(a): round(r["share_error_pp"], 3) for a, r in by_alpha.items()}},
        "lora": {"r": config.lora_r, "alpha": config.lora_alpha, "targets": LORA_TARGETS,
                 "layers": lora_layers(config.lora_layers)},
        "train": asdict(config),
        "corpus_sha256": corpus_sha,
        "train_transcripts": len(train_set),
        "train_segments": sum(len(t.segments) for t in train_set),
        "train_views": sum(len(v) for v in (views or {}).values()),
        "history": history,
        "dev": dev_report,
        "train_seconds": round(time.time() - started, 1),
        "device": device,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous().cpu() for k, v in best["state"].items()}, str(out_dir / "adapter.safetensors"))
    (out_dir / "model_card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card
