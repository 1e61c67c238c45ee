"""Evaluate the shipped classifier on the held-out test split, with baselines, in one run.

Baselines: TF-IDF + logistic regression and MiniLM embeddings + logistic regression (both trained on
the same train split), and zero-shot cosine similarity between MiniLM embeddings and label descriptions.
"""

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from models import corpus
from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR, SegmentClassifier
from models.encoding import context_pairs
from models.labels import LABEL_TO_ID, LABELS
from models.metrics import classification_report, expected_calibration_error, share_error, softmax

app = typer.Typer(add_completion=False)
DESCRIPTIONS = {
    "deal-status": "the numbers: specific deals and accounts, pipeline, forecast, stage, close dates, pricing and "
                   "discounts on a deal, next steps on a deal, CRM updates, quota attainment, activity counts",
    "coaching": "building sales skill: feedback on how a call went, discovery, objection handling, negotiation, "
                "prospecting technique, role-play, what to do differently, a method or framework",
    "goals": "the rep's own career: promotion, what they want to learn, their earnings goals, development plan, "
             "motivation, where they want to be in a few years",
    "rapport": "the relationship and the person: greetings, family, weekend, health, stress and well-being, jokes, "
               "praise and thanks, small talk, meeting logistics",
}


def _flat(transcripts: Sequence[corpus.LabelledTranscript]) -> tuple[list[str], list[int]]:
    texts = [s.text for t in transcripts for s in t.segments]
    return texts, [LABEL_TO_ID[label] for t in transcripts for label in t.labels]


def _score(pred: Sequence[int], transcripts: Sequence[corpus.LabelledTranscript], probs: np.ndarray | None) -> dict:
    _, gold = _flat(transcripts)
    words = [len(s.text.split()) for t in transcripts for s in t.segments]
    report = classification_report(gold, pred, words)
    errors, at = [], 0
    for t in transcripts:
        errors.append(share_error(gold[at:at + len(t.segments)], pred[at:at + len(t.segments)], t.seconds))
        at += len(t.segments)
    report["share_error_pp"] = float(np.mean(errors))
    if probs is not None:
        report["ece"] = expected_calibration_error(probs, gold)
    return report


def _embed(texts: Sequence[str]) -> np.ndarray:
    """Mean-pooled, normalised all-MiniLM-L6-v2 sentence embeddings, as sentence-transformers makes them."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    from models.base import base_model_path

    tokenizer = AutoTokenizer.from_pretrained(base_model_path(), local_files_only=True)
    model = AutoModel.from_pretrained(base_model_path(), local_files_only=True).eval()
    out = []
    with torch.inference_mode():
        for i in range(0, len(texts), 128):
            batch = tokenizer(list(texts[i:i + 128]), padding=True, truncation=True, max_length=128, return_tensors="pt")
            hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (hidden * mask).sum(1) / mask.sum(1)
            out.append(torch.nn.functional.normalize(pooled, dim=1).numpy())
    return np.concatenate(out)


def baselines(train: Sequence[corpus.LabelledTranscript], test: Sequence[corpus.LabelledTranscript]) -> dict:
    """The three baselines, each scored like the model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    train_x, train_y = _flat(train)
    test_x, _ = _flat(test)
    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    lr = LogisticRegression(max_iter=2000, C=5.0).fit(tfidf.fit_transform(train_x), train_y)
    results = {"tfidf_lr": _score(lr.predict(tfidf.transform(test_x)).tolist(), test, None)}
    train_e, test_e = _embed(train_x), _embed(test_x)
    emb_lr = LogisticRegression(max_iter=2000, C=2.0).fit(train_e, train_y)
    results["minilm_embeddings_lr"] = _score(emb_lr.predict(test_e).tolist(), test, None)
    label_e = _embed([DESCRIPTIONS[label] for label in LABELS])
    results["zero_shot_minilm"] = _score((test_e @ label_e.T).argmax(1).tolist(), test, None)
    return results


@app.command()
def main(
    weights: Path = typer.Option(WEIGHTS_DIR), cache_dir: Path = typer.Option(DEFAULT_CACHE),
    out: Path = typer.Option(WEIGHTS_DIR / "evaluation.json"), skip_baselines: bool = False,
) -> None:
    """Score the model (int8 and fp32) and the baselines on the test split; write a JSON report."""
    splits = corpus.split(corpus.load())
    test = splits["test"]
    results: dict = {"test_transcripts": len(test), "test_segments": sum(len(t.segments) for t in test)}
    probs = {}
    for backend in ("onnx-int8", "onnx-fp32"):
        clf = SegmentClassifier.load(weights, backend=backend, cache_dir=cache_dir)
        probs[backend] = np.concatenate(clf.probabilities([t.segments for t in test]))
        results[f"model_{backend}"] = _score(probs[backend].argmax(1).tolist(), test, probs[backend])
        if backend == "onnx-int8":
            pairs = [p for t in test for p in context_pairs(t.segments, clf.card["context"])]
            raw = softmax(clf.logits(pairs), clf.temperature)
            results["model_onnx-int8_unsmoothed"] = _score(raw.argmax(1).tolist(), test, raw)
    served = SegmentClassifier.load(weights, cache_dir=cache_dir)
    results[f"end_to_end_{served.backend_name}_resegmented"] = end_to_end(served, test)
    results["int8_fp32_agreement"] = float((probs["onnx-int8"].argmax(1) == probs["onnx-fp32"].argmax(1)).mean())
    for style in ("clean", "asr"):
        subset = [t for t in test if t.style == style]
        style_probs = np.concatenate([probs["onnx-int8"][_rows(test, t)] for t in subset])
        results[f"model_onnx-int8_{style}"] = _score(style_probs.argmax(1).tolist(), subset, style_probs)
    if not skip_baselines:
        results.update(baselines(splits["train"], test))
    out.write_text(json.dumps(results, indent=1) + "\n")
    _print(results)


def end_to_end(clf: SegmentClassifier, transcripts: Sequence[corpus.LabelledTranscript]) -> dict:
    """Words' labels when the test transcripts arrive as Zoom cues (8 words each) and our own segmenter
    cuts them, as uploads do, instead of the gold segments."""
    from pipeline.analyze import label_segments
    from pipeline.schemas import Transcript, Utterance
    from pipeline.segment import load_nlp, segment

    nlp = load_nlp()
    gold: list[int] = []
    pred: list[int] = []
    for t in transcripts:
        utterances, clock = [], 0.0
        for seg, label, seconds in zip(t.segments, t.labels, t.seconds, strict=True):
            words = seg.text.split()
            gold += [LABEL_TO_ID[label]] * len(words)
            for i in range(0, len(words), 8):
                chunk = words[i:i + 8]
                length = seconds * len(chunk) / len(words)
                utterances.append(Utterance(speaker=seg.speaker, start=clock, end=clock + length, text=" ".join(chunk)))
                clock += length
        segments = label_segments(clf, segment(nlp, [Transcript(format="zoom-vtt", utterances=tuple(utterances))]))[0]
        pred += [LABEL_TO_ID[s.label or ""] for s in segments for _ in s.text.split()]
    return classification_report(gold, pred, [1] * len(gold))


def _rows(transcripts: Sequence[corpus.LabelledTranscript], target: corpus.LabelledTranscript) -> slice:
    at = 0
    for t in transcripts:
        if t.id == target.id:
            return slice(at, at + len(t.segments))
        at += len(t.segments)
    raise KeyError(target.id)


def _print(results: dict) -> None:
    table = Table(title=f"test split: {results['test_transcripts']} transcripts, {results['test_segments']} segments")
    for column in ("system", "accuracy", "macro-F1", *LABELS, "share err pp", "ECE"):
        table.add_column(column)
    for name, r in results.items():
        if isinstance(r, dict) and "macro_f1" in r:
            table.add_row(name, f"{r['accuracy']:.3f}", f"{r['macro_f1']:.3f}",
                          *(f"{r['per_label_f1'][label]:.3f}" for label in LABELS),
                          f"{r['share_error_pp']:.2f}" if "share_error_pp" in r else "-",
                          f"{r['ece']:.3f}" if "ece" in r else "-")
    Console().print(table)
    Console().print(f"int8 vs fp32 label agreement: {results['int8_fp32_agreement']:.4f}")


if __name__ == "__main__":
    app()
