"""Fine-tune MiniLM with a LoRA adapter and a linear head; only the adapter and head are saved.

The delta is a few MB, so the repository stays light while the pinned base package supplies the
other 90 MB. Temperature is fitted on dev after training so confidences mean what they say.
"""

import copy
import json
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from peft import LoraConfig, get_peft_model, get_peft_model_state_dict
from safetensors.torch import save_file

from models import corpus
from models.base import base_model_info, base_model_path
from models.build import Progress
from models.encoding import CONTEXT_WORDS, asr_like, context_pairs, encode, length_batches, load_tokenizer, pad
from models.labels import LABEL_SET_VERSION, LABELS
from models.metrics import softmax, split_report
from models.modeling import SegmentModel
from models.smoothing import sharpen, smooth_each, transition_matrix

LORA_TARGETS = ["query", "key", "value", "dense"]
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5)


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of a run, stored in the model card; checked up front so a typo fails before training."""

    seed: int = 13
    epochs: int = 5
    batch_rows: int = 32
    lr: float = 6e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.1
    context: str = "prev"
    context_words: int = CONTEXT_WORDS
    asr_augment: float = 0.35
    word_weight: float = 0.0
    limit_transcripts: int = 0

    def __post_init__(self) -> None:
        if self.context not in ("none", "prev", "both"):
            raise ValueError(f"context must be none, prev or both, not {self.context!r}")
        if not 0 <= self.asr_augment <= 1 or self.epochs < 1 or self.lora_r < 1:
            raise ValueError("asr_augment must be in [0, 1]; epochs and lora_r at least 1")
        if self.context_words < 1:
            raise ValueError("context_words must be at least 1")
        if not 0 <= self.word_weight <= 1:
            raise ValueError("word_weight must be in [0, 1]")


def _examples(transcripts: Sequence[corpus.LabelledTranscript], config: TrainConfig, asr: bool) -> list[tuple[str, str | None]]:
    pairs = []
    for t in transcripts:
        segs = t.segments
        if asr:
            segs = tuple(type(s)(s.speaker, asr_like(s.text)) for s in segs)
        pairs.extend(context_pairs(segs, config.context, config.context_words))
    return pairs


def segment_weights(transcripts: Sequence[corpus.LabelledTranscript], power: float) -> torch.Tensor:
    """Loss weight per segment, words**power scaled to mean 1.

    The profile counts time, so a long segment's label moves the shares more than a "yeah" does;
    power 0 weighs every segment alike, 1 weighs by words as the share does.
    """
    words = torch.tensor([max(1, len(s.text.split())) for t in transcripts for s in t.segments], dtype=torch.float)
    weights = words**power
    return weights / weights.mean()


def build_model(config: TrainConfig) -> torch.nn.Module:
    """The base encoder wrapped with a fresh LoRA adapter; the head is trained in full."""
    lora = LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=LORA_TARGETS,
        modules_to_save=["head"],
    )
    return get_peft_model(SegmentModel.from_base(base_model_path()), lora)


@torch.inference_mode()
def predict_logits(model: torch.nn.Module, encoded: Sequence[tuple[list[int], list[int]]], device: str) -> np.ndarray:
    """Logits in input order, computed in length-sorted batches."""
    model.eval()
    out = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    for batch in length_batches([len(ids) for ids, _ in encoded]):
        arrays = pad([encoded[i] for i in batch])
        tensors = {k: torch.from_numpy(v).to(device) for k, v in arrays.items()}
        out[batch] = model(**tensors).float().cpu().numpy()
    return out


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


def train(config: TrainConfig, out_dir: Path, progress: Progress) -> dict:
    """Train, pick the best epoch on dev, calibrate, and write adapter + model card into out_dir."""
    random.seed(config.seed)
    np.random.seed(config.seed)
    torch.manual_seed(config.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    splits = corpus.split(corpus.load())
    train_set = splits["train"][: config.limit_transcripts or None]
    tokenizer = load_tokenizer(str(base_model_path() / "tokenizer.json"))
    clean = encode(tokenizer, _examples(train_set, config, asr=False))
    noisy = encode(tokenizer, _examples(train_set, config, asr=True))
    gold = torch.tensor(corpus.label_ids(train_set))
    weights = segment_weights(train_set, config.word_weight)
    dev_encoded = encode(tokenizer, _examples(splits["dev"], config, asr=False))
    dev_gold = corpus.label_ids(splits["dev"])

    model = build_model(config).to(device)
    head = [p for n, p in model.named_parameters() if p.requires_grad and "head" in n]
    lora = [p for n, p in model.named_parameters() if p.requires_grad and "head" not in n]
    optimizer = torch.optim.AdamW(
        [{"params": lora, "lr": config.lr}, {"params": head, "lr": config.head_lr}], weight_decay=config.weight_decay
    )
    steps_per_epoch = len(length_batches([len(i) for i, _ in clean], max_rows=config.batch_rows))
    total = steps_per_epoch * config.epochs
    warm = max(1, int(total * config.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm)))
    )
    best: dict = {"macro_f1": -1.0}
    history, step, started = [], 0, time.time()
    for epoch in range(config.epochs):
        model.train()
        rows = [noisy[i] if random.random() < config.asr_augment else clean[i] for i in range(len(clean))]
        batches = length_batches([len(ids) for ids, _ in rows], max_tokens=10**9, max_rows=config.batch_rows)
        random.shuffle(batches)
        for batch in batches:
            arrays = pad([rows[i] for i in batch])
            logits = model(**{k: torch.from_numpy(v).to(device) for k, v in arrays.items()})
            losses = torch.nn.functional.cross_entropy(logits, gold[batch].to(device), reduction="none")
            loss = (losses * weights[batch].to(device)).sum() / weights[batch].sum().to(device)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            progress(f"epoch {epoch + 1}/{config.epochs} loss {loss.item():.3f}", step, total)
        dev_logits = predict_logits(model, dev_encoded, device)
        dev = evaluate_split(softmax(dev_logits), splits["dev"])
        history.append({"epoch": epoch + 1, "dev_macro_f1": dev["macro_f1"], "dev_accuracy": dev["accuracy"]})
        if dev["macro_f1"] > best["macro_f1"]:
            best = {"macro_f1": dev["macro_f1"], "state": copy.deepcopy(get_peft_model_state_dict(model)), "logits": dev_logits}
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
        "version": f"minilm-lora-{config.context}-{corpus_sha[:8]}-e{config.epochs}"
                   + (f"-c{config.context_words}" if config.context_words != CONTEXT_WORDS else "")
                   + (f"-w{config.word_weight:g}" if config.word_weight else ""),
        "label_set": LABEL_SET_VERSION,
        "labels": list(LABELS),
        "base": base_model_info(),
        "context": config.context,
        "context_words": config.context_words,
        "temperature": temperature,
        "smoothing": {"alpha": alpha, "transitions": np.round(transitions, 5).tolist(),
                      "posterior_temperature": posterior_temperature,
                      "dev_macro_f1_by_alpha": {str(a): round(r["macro_f1"], 4) for a, r in by_alpha.items()}},
        "lora": {"r": config.lora_r, "alpha": config.lora_alpha, "targets": LORA_TARGETS},
        "train": asdict(config),
        "corpus_sha256": corpus_sha,
        "train_transcripts": len(train_set),
        "train_segments": len(clean),
        "history": history,
        "dev": dev_report,
        "train_seconds": round(time.time() - started, 1),
        "device": device,
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous().cpu() for k, v in best["state"].items()}, str(out_dir / "adapter.safetensors"))
    (out_dir / "model_card.json").write_text(json.dumps(card, indent=2) + "\n")
    return card
