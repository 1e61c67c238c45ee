"""Evaluate the shipped classifier on the held-out test split, with baselines, in one run.

Baselines: TF-IDF + logistic regression and MiniLM embeddings + logistic regression (both trained on
the same train split), and zero-shot cosine similarity between MiniLM embeddings and label descriptions.
"""

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from models import corpus
from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR, Cascade, Encoder, SegmentClassifier, choose_backend
from models.labels import LABEL_TO_ID, LABELS
from models.metrics import classification_report, softmax, split_report

app = typer.Typer(add_completion=False)
CASCADE_MARGINS = tuple(round(0.05 * i, 2) for i in range(1, 20))
CASCADE_NEIGHBOURS = (0, 1, 2)
CASCADE_DEV_AGREEMENT = 0.997
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


def _texts(transcripts: Sequence[corpus.LabelledTranscript]) -> list[str]:
    return [s.text for t in transcripts for s in t.segments]


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


def tfidf_lr(train: Sequence[corpus.LabelledTranscript]) -> Callable[[Sequence[str]], list[int]]:
    """The TF-IDF + logistic regression baseline fitted on `train`: texts in, label ids out."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    tfidf = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
    lr = LogisticRegression(max_iter=2000, C=5.0).fit(tfidf.fit_transform(_texts(train)), corpus.label_ids(train))
    return lambda texts: lr.predict(tfidf.transform(list(texts))).tolist()


def baselines(train: Sequence[corpus.LabelledTranscript], test: Sequence[corpus.LabelledTranscript]) -> dict:
    """The three baselines, each scored like the model."""
    from sklearn.linear_model import LogisticRegression

    train_x, train_y = _texts(train), corpus.label_ids(train)
    test_x = _texts(test)
    results = {"tfidf_lr": split_report(tfidf_lr(train)(test_x), test)}
    train_e, test_e = _embed(train_x), _embed(test_x)
    emb_lr = LogisticRegression(max_iter=2000, C=2.0).fit(train_e, train_y)
    results["minilm_embeddings_lr"] = split_report(emb_lr.predict(test_e).tolist(), test)
    label_e = _embed([DESCRIPTIONS[label] for label in LABELS])
    results["zero_shot_minilm"] = split_report((test_e @ label_e.T).argmax(1).tolist(), test)
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
    classifiers = {b: SegmentClassifier.load(weights, backend=b, cache_dir=cache_dir) for b in ("onnx-int8", "onnx-fp32")}
    per_transcript = {b: clf.probabilities([t.segments for t in test]) for b, clf in classifiers.items()}
    for backend, probs in per_transcript.items():
        joined = np.concatenate(probs)
        results[f"model_{backend}"] = split_report(joined.argmax(1).tolist(), test, joined)
    int8, fp32 = classifiers["onnx-int8"], classifiers["onnx-fp32"]
    int8_vectors = vectors(int8, test)
    raw = np.concatenate([softmax(int8.logits(t.segments, v), int8.temperature) for t, v in zip(test, int8_vectors, strict=True)])
    results["model_onnx-int8_unsmoothed"] = split_report(raw.argmax(1).tolist(), test, raw)
    reference = np.concatenate(per_transcript["onnx-fp32"]).argmax(1)
    results["int8_fp32_agreement"] = float((np.concatenate(per_transcript["onnx-int8"]).argmax(1) == reference).mean())
    results["cascade"] = choose_cascade(int8, fp32, splits["dev"])
    rule = Cascade(results["cascade"]["margin"], results["cascade"]["neighbours"])
    rescored = [int8.rescore(t.segments, v, rule, fp32.encoder) for t, v in zip(test, int8_vectors, strict=True)]
    cascade = np.concatenate([probs for probs, _ in rescored])
    results["model_onnx-cascade"] = split_report(cascade.argmax(1).tolist(), test, cascade)
    agreement = float((cascade.argmax(1) == reference).mean())
    results["cascade"].update(test_agreement=agreement, test_rescored=sum(len(u) for _, u in rescored) / len(cascade))
    served_name = choose_backend(results)
    served = SegmentClassifier.load(weights, backend=served_name, cache_dir=cache_dir, cascade=rule)
    results[f"end_to_end_{served_name}_resegmented"] = end_to_end(served, test)
    for style in ("clean", "asr"):
        picked = [(t, p) for t, p in zip(test, per_transcript["onnx-int8"], strict=True) if t.style == style]
        joined = np.concatenate([p for _, p in picked])
        results[f"model_onnx-int8_{style}"] = split_report(joined.argmax(1).tolist(), [t for t, _ in picked], joined)
    if not skip_baselines:
        results.update(baselines(splits["train"], test))
    out.write_text(json.dumps(results, indent=1) + "\n")
    _print(results)


def vectors(
    clf: SegmentClassifier, transcripts: Sequence[corpus.LabelledTranscript], encoder: Encoder | None = None
) -> list[np.ndarray]:
    """Segment vectors per transcript, each transcript encoded on its own as serving does."""
    return [clf.vectors([s.text for s in t.segments], encoder) for t in transcripts]


def choose_cascade(int8: SegmentClassifier, fp32: SegmentClassifier, dev: Sequence[corpus.LabelledTranscript]) -> dict:
    """The re-encoding rule (margin, neighbours either side) that keeps fp32's labels on 99.7% of dev segments
    while re-encoding the fewest; if none on the grid does, the one that agrees most.

    The 99.7% asks more than the 99.5% gate, which the test split then checks, so that a rule picked on
    dev still clears the gate on transcripts it has not seen.
    """
    low, high = vectors(int8, dev), vectors(int8, dev, fp32.encoder)
    conversations = [t.segments for t in dev]

    def posteriors(vectors_by_conversation: Sequence[np.ndarray]) -> list[np.ndarray]:
        return [int8.posteriors(int8.logits(c, v)) for c, v in zip(conversations, vectors_by_conversation, strict=True)]

    reference = np.concatenate(posteriors(high)).argmax(1)
    first = posteriors(low)
    tried = []
    for neighbours in CASCADE_NEIGHBOURS:
        for margin in CASCADE_MARGINS:
            picked = [Cascade(margin, neighbours).unsure(p) for p in first]
            mixed = [v.copy() for v in low]
            for m, h, i in zip(mixed, high, picked, strict=True):
                m[i] = h[i]
            labels = np.concatenate(posteriors(mixed)).argmax(1)
            tried.append({"margin": margin, "neighbours": neighbours, "dev_agreement": float((labels == reference).mean()),
                          "dev_rescored": sum(len(i) for i in picked) / len(reference)})
    passing = [r for r in tried if r["dev_agreement"] >= CASCADE_DEV_AGREEMENT]
    if passing:
        return min(passing, key=lambda r: r["dev_rescored"])
    return max(tried, key=lambda r: (r["dev_agreement"], -r["dev_rescored"]))


def end_to_end(clf: SegmentClassifier, transcripts: Sequence[corpus.LabelledTranscript]) -> dict:
    """Words' labels when the test transcripts arrive as Zoom cues (8 words each) and our own segmenter
    cuts them, as uploads do, instead of the gold segments."""
    from pipeline.analyze import label_segments
    from pipeline.resegment import as_cues
    from pipeline.segment import load_nlp, segment

    nlp = load_nlp()
    gold: list[int] = []
    pred: list[int] = []
    for t in transcripts:
        cues, word_labels = as_cues(t, 8)
        gold += [LABEL_TO_ID[label] for label in word_labels]
        segments = label_segments(clf, segment(nlp, [cues]))[0]
        pred += [LABEL_TO_ID[s.label or ""] for s in segments for _ in s.text.split()]
    return classification_report(gold, pred, [1] * len(gold))


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
    c = results["cascade"]
    Console().print(f"cascade (fp32 re-encodes where posterior margin < {c['margin']}, and {c['neighbours']} segments "
                    f"either side): agreement {c['test_agreement']:.4f}, "
                    f"{c['test_rescored']:.1%} re-encoded (dev: {c['dev_agreement']:.4f}, {c['dev_rescored']:.1%})")


if __name__ == "__main__":
    app()
