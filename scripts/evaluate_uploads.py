"""Score the served service on transcripts from writers the corpus never had, uploaded as recorders export them.

The test split measures the model on its own writers' segments; the product is judged on other people's
transcripts, posted to /v1/analyze in five formats and cut by our own segmenter. This script renders each
transcript of models/data/fresh/ (written apart from the corpus, never trained on or used for a choice)
as a Zoom VTT, a Teams VTT, a Gong JSON export, an SRT file and plain text, posts each through the real
app, and scores every word of the response against the label of the gold segment it came from. Shares
here are word shares, so the gold and predicted profiles are measured on the same basis whatever the
format's clock. TF-IDF + logistic regression, trained on the corpus's train split and given the gold
segments, runs beside it.
"""

import json
import random
import uuid
from collections.abc import Callable, Sequence
from difflib import SequenceMatcher
from pathlib import Path

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from models import corpus
from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR
from models.labels import LABEL_TO_ID
from models.metrics import classification_report, share_error
from pipeline.schemas import Utterance
from scripts import synthetic
from scripts.evaluate import tfidf_lr
from scripts.synthetic import timestamp

app = typer.Typer(add_completion=False)
FRESH_DIR = corpus.DATA_DIR / "fresh"
Row = dict
Render = Callable[[Row, random.Random], tuple[str, bytes]]


def _turns(row: Row) -> list[dict]:
    """Consecutive segments of one speaker merged into one turn, as Gong and Otter export them."""
    turns: list[dict] = []
    for s in row["segments"]:
        if turns and turns[-1]["speaker"] == s["speaker"]:
            turns[-1]["pieces"].append(s)
        else:
            turns.append({"speaker": s["speaker"], "pieces": [s]})
    return turns


def _cues(row: Row, rng: random.Random, low: int, high: int) -> list[Utterance]:
    """Each segment cut into cues of low..high words, times spread over the segment by word position."""
    cues = []
    for s in row["segments"]:
        words = s["text"].split()
        per_word = (s["end"] - s["start"]) / max(len(words), 1)
        at = 0
        while at < len(words):
            n = rng.randint(low, high)
            cues.append(Utterance(speaker=s["speaker"], start=s["start"] + at * per_word,
                                  end=s["start"] + min(at + n, len(words)) * per_word, text=" ".join(words[at:at + n])))
            at += n
    return cues


def zoom_vtt(row: Row, rng: random.Random) -> tuple[str, bytes]:
    return "meeting.vtt", synthetic.zoom_vtt(_cues(row, rng, 5, 16))


def teams_vtt(row: Row, rng: random.Random) -> tuple[str, bytes]:
    call = uuid.UUID(int=rng.getrandbits(128))
    body = "\n\n".join(f"{call}/{n}-0\n{timestamp(u.start or 0)} --> {timestamp(u.end or 0)}\n<v {u.speaker}>{u.text}</v>"
                       for n, u in enumerate(_cues(row, rng, 4, 30), 10))
    return "transcript.vtt", f"WEBVTT\n\n{body}\n".encode()


def srt(row: Row, rng: random.Random) -> tuple[str, bytes]:
    body = "\n\n".join(f"{n}\n{timestamp(u.start or 0, ',')} --> {timestamp(u.end or 0, ',')}\n{u.speaker}: {u.text}"
                       for n, u in enumerate(_cues(row, rng, 6, 12), 1))
    return "captions.srt", f"{body}\n".encode()


def gong_json(row: Row, rng: random.Random) -> tuple[str, bytes]:
    ids = {row["manager"]: str(rng.getrandbits(62)), row["rep"]: str(rng.getrandbits(62))}
    monologues = [{"speakerId": ids[t["speaker"]], "topic": None,
                   "sentences": [{"start": round(s["start"] * 1000), "end": round(s["end"] * 1000), "text": s["text"]}
                                 for s in t["pieces"]]}
                  for t in _turns(row)]
    parties = [{"id": str(n), "speakerId": ids[name], "name": name, "title": title, "affiliation": "Internal"}
               for n, (name, title) in enumerate([(row["manager"], "Sales Manager"), (row["rep"], "Account Executive")], 1)]
    call = {"callTranscripts": [{"callId": str(rng.getrandbits(62)), "transcript": monologues}], "parties": parties}
    return "call.json", json.dumps(call).encode()


def text(row: Row, rng: random.Random) -> tuple[str, bytes]:
    """Otter-style blocks (name and clock on their own line) or one `[hh:mm:ss] Name: words` line per turn."""
    turns = _turns(row)
    if rng.random() < 0.5:
        body = "\n\n".join(f"{t['speaker']}  {int(t['pieces'][0]['start'] // 60)}:{int(t['pieces'][0]['start'] % 60):02d}\n"
                           + " ".join(s["text"] for s in t["pieces"]) for t in turns)
    else:
        body = "\n".join(f"[{timestamp(t['pieces'][0]['start'])[:8]}] {t['speaker']}: " + " ".join(s["text"] for s in t["pieces"])
                         for t in turns)
    return "notes.txt", f"{body}\n".encode()


RENDERERS: dict[str, Render] = {"zoom-vtt": zoom_vtt, "teams-vtt": teams_vtt, "gong-json": gong_json, "srt": srt, "text": text}
FORMATS = (*RENDERERS, "segments-json")


def gold_words(row: Row) -> list[int]:
    return [LABEL_TO_ID[s["label"]] for s in row["segments"] for _ in s["text"].split()]


def aligned(gold_tokens: Sequence[str], response: dict) -> list[int]:
    """The predicted label of every gold word: the response keeps every word in order, so words pair up
    one to one; a word the ingest changed takes its neighbour's label."""
    words = [(w, LABEL_TO_ID[s["label"]]) for s in response["segments"] for w in s["text"].split()]
    if [w for w, _ in words] == list(gold_tokens):
        return [label for _, label in words]
    pred = [-1] * len(gold_tokens)
    matcher = SequenceMatcher(None, list(gold_tokens), [w for w, _ in words], autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            pred[block.a + k] = words[block.b + k][1]
    for i, p in enumerate(pred):
        if p < 0:
            pred[i] = pred[i - 1] if i else next(q for q in pred if q >= 0)
    return pred


def post(client, fmt: str, row: Row, rng: random.Random) -> dict:  # type: ignore[no-untyped-def]  # a TestClient
    if fmt == "segments-json":
        payload = {"segments": [{k: s[k] for k in ("speaker", "start", "end", "text")} for s in row["segments"]]}
        response = client.post("/v1/analyze", json=payload)
    else:
        name, data = RENDERERS[fmt](row, rng)
        response = client.post("/v1/analyze", files={"file": (name, data)})
    if response.status_code != 200:
        raise RuntimeError(f"{row['id']} as {fmt}: HTTP {response.status_code} {response.text[:300]}")
    body = response.json()
    if body["format"] != fmt:
        raise RuntimeError(f"{row['id']} rendered as {fmt} was read as {body['format']}")
    return body


def report(gold: list[list[int]], pred: list[list[int]]) -> dict:
    """Word-weighted scores over all words, and the mean per-transcript word-share error."""
    flat_gold = [g for t in gold for g in t]
    result = classification_report(flat_gold, [p for t in pred for p in t], [1] * len(flat_gold))
    result["share_error_pp"] = float(np.mean([share_error(g, p, [1.0] * len(g)) for g, p in zip(gold, pred, strict=True)]))
    return result


def tfidf_baseline(rows: Sequence[Row]) -> dict:
    """TF-IDF + LR trained on the train split, on the fresh transcripts' gold segments, scored per word."""
    predict = tfidf_lr(corpus.split(corpus.load())["train"])
    pred = [[p for s, p in zip(r["segments"], predict([s["text"] for s in r["segments"]]), strict=True)
             for _ in s["text"].split()] for r in rows]
    return report([gold_words(r) for r in rows], pred)


@app.command()
def main(fresh: Path = typer.Option(FRESH_DIR), seed: int = 7,
         out: Path = typer.Option(Path("artifacts/evaluate_uploads.json")),
         weights: Path = typer.Option(WEIGHTS_DIR, help="A candidate from scripts/train.py --out, scored the same way."),
         backend: str = typer.Option("auto", help="onnx-fp32 compares candidates that have no evaluation.json yet."),
         cache_dir: Path = typer.Option(DEFAULT_CACHE)) -> None:
    """Post every fresh transcript in every format through the app; print per-format and per-style scores."""
    from fastapi.testclient import TestClient
    from rich.progress import track

    from api.config import Settings
    from api.main import create_app

    rows = corpus.rows(fresh)
    rng = random.Random(seed)
    gold = [gold_words(r) for r in rows]
    pred: dict[str, list[list[int]]] = {fmt: [] for fmt in FORMATS}
    settings = Settings(environment="test", data_dir=out.parent / "evaluate_uploads_data", worker_enabled=False,
                        model_weights_dir=weights, model_backend=backend, model_cache_dir=cache_dir)
    web = create_app(settings)
    with TestClient(web) as client:
        for row in track(rows, description="posting"):
            tokens = [w for s in row["segments"] for w in s["text"].split()]
            for fmt in FORMATS:
                pred[fmt].append(aligned(tokens, post(client, fmt, row, rng)))
        model = web.state.analyzer.classifier.version
    styles = {style: [i for i, r in enumerate(rows) if r["style"] == style] for style in ("clean", "asr")}
    uploads = list(RENDERERS)
    results: dict = {"model": model, "transcripts": len(rows), "segments": sum(len(r["segments"]) for r in rows),
                     "words": sum(map(len, gold)), "by_format": {fmt: report(gold, pred[fmt]) for fmt in FORMATS}}
    results["five_upload_formats"] = report(gold * len(uploads), [t for fmt in uploads for t in pred[fmt]])
    results["by_style"] = {style: report([gold[i] for i in idx] * len(uploads), [pred[fmt][i] for fmt in uploads for i in idx])
                           for style, idx in styles.items() if idx}
    results["tfidf_lr_gold_segments"] = tfidf_baseline(rows)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")
    size = f"{results['transcripts']} transcripts, {results['segments']} segments, {results['words']} words"
    table = Table(title=f"fresh writers, through /v1/analyze: {size}; {model}")
    for column in ("upload", "accuracy", "macro-F1", "deal-status", "coaching", "goals", "rapport", "share error (pp)"):
        table.add_column(column)
    lines = [(fmt, results["by_format"][fmt]) for fmt in FORMATS] + [("all five upload formats", results["five_upload_formats"])]
    lines += [(f"  {style}-style, five formats", r) for style, r in results["by_style"].items()]
    lines.append(("TF-IDF + LR, gold segments", results["tfidf_lr_gold_segments"]))
    for name, r in lines:
        table.add_row(name, f"{r['accuracy']:.3f}", f"{r['macro_f1']:.3f}", *(f"{v:.3f}" for v in r["per_label_f1"].values()),
                      f"{r['share_error_pp']:.2f}")
    Console(width=140).print(table)


if __name__ == "__main__":
    app()
