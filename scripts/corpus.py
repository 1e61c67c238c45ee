"""Build and check the labelled corpus.

`import-txt` turns hand-written transcripts (one `.txt` per meeting: a header, `---`, then lines of
`M|R label: text`) into models/data/corpus/, one JSON Lines file per slice, with timings from a
speaking-rate model, drops near-duplicate segments across transcripts, and writes the train/dev/test
split (with `--append`, adds new slices and splits only those). `coverage` prints the grid: industries, manager styles, rep
situations, text styles, labels.
"""

import hashlib
import json
import random
import re
from collections import Counter
from pathlib import Path

import typer

from models import corpus
from models.corpus import CORPUS_DIR, SPLITS_PATH
from models.labels import LABELS

app = typer.Typer(add_completion=False, help=__doc__)
LINE = re.compile(r"^(M|R) (deal-status|coaching|goals|rapport): (\S.*)$")
WORDS_PER_SECOND = 2.6


def _read(path: Path, rng: random.Random) -> dict:
    head_text, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    head = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in head_text.splitlines() if ":" in line)}
    segments, clock = [], 0.0
    for n, line in enumerate(body.splitlines(), 1):
        if not line.strip():
            continue
        match = LINE.match(line)
        if not match:
            raise typer.BadParameter(f"{path}:{n}: not 'M|R label: text': {line[:60]}")
        who, label, text = match.groups()
        clock += rng.uniform(0.15, 0.9)
        seconds = len(text.split()) / (WORDS_PER_SECOND * rng.uniform(0.85, 1.15)) + 0.3
        speaker = head["manager"] if who == "M" else head["rep"]
        start, end = round(clock, 2), round(clock + seconds, 2)
        segments.append({"speaker": speaker, "start": start, "end": end, "text": text, "label": label})
        clock += seconds
    return {"id": head["id"], "scenario": head["scenario"], "style": head["style"], "manager": head["manager"],
            "rep": head["rep"], "segments": segments}


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


@app.command("import-txt")
def import_txt(
    folders: list[Path],
    seed: int = 7,
    test_per_slice: int = 3,
    dev_per_slice: int = 2,
    append: bool = typer.Option(False, help="Add these slices to the corpus, keeping its transcripts and splits."),
    corpus_dir: Path = CORPUS_DIR,
    splits_path: Path = SPLITS_PATH,
) -> None:
    """Convert slice folders of .txt transcripts into the JSONL corpus and its split.

    `--append` exists because a slice's source files are not kept once imported: rebuilding would drop
    the earlier slices, and re-splitting would move transcripts that past choices were made on into train.
    """
    rng = random.Random(seed)
    existing = corpus.rows(corpus_dir) if append else []
    splits: dict[str, list[str]] = (json.loads(splits_path.read_text()) if append
                                    else {"train": [], "dev": [], "test": []})
    rows = [_read(p, rng) for folder in folders for p in sorted(folder.glob("*.txt"))]
    clash = sorted({r["id"] for r in existing} & {r["id"] for r in rows})
    if clash:
        raise typer.BadParameter(f"transcript ids already in the corpus: {', '.join(clash[:5])}")
    seen = {_norm(s["text"]) for r in existing for s in r["segments"]}
    dropped = 0
    for row in rows:
        kept = []
        for seg in row["segments"]:
            key = _norm(seg["text"])
            if len(key.split()) >= 6 and key in seen:
                dropped += 1
                continue
            seen.add(key)
            kept.append(seg)
        row["segments"] = kept
    every = existing + rows
    by_slice: dict[str, list[dict]] = {}
    for row in rows:
        by_slice.setdefault(row["id"].split("-")[0], []).append(row)
    corpus_dir.mkdir(parents=True, exist_ok=True)
    if not append:
        for stale in corpus.shards(corpus_dir):
            stale.unlink()
    for name, members in by_slice.items():
        with (corpus_dir / f"{name}.jsonl").open("a", encoding="utf-8") as out:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in members)
        ordered = sorted((r["id"] for r in members), key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).hexdigest())
        splits["test"] += ordered[:test_per_slice]
        splits["dev"] += ordered[test_per_slice:test_per_slice + dev_per_slice]
        splits["train"] += ordered[test_per_slice + dev_per_slice:]
    splits_path.write_text(json.dumps({k: sorted(v) for k, v in splits.items()}, indent=1) + "\n")
    typer.echo(f"{len(every)} transcripts ({len(rows)} new), {sum(len(r['segments']) for r in every)} segments, "
               f"{dropped} duplicates dropped")
    typer.echo(" ".join(f"{k}={len(v)}" for k, v in splits.items()))


@app.command()
def coverage(corpus_dir: Path = CORPUS_DIR) -> None:
    """Print how the corpus covers the grid, so gaps are seen before training."""
    rows = corpus.rows(corpus_dir)
    segments = [s for r in rows for s in r["segments"]]
    labels = Counter(s["label"] for s in segments)
    styles = Counter(r["style"] for r in rows)
    typer.echo(f"transcripts {len(rows)}  segments {len(segments)}  words {sum(len(s['text'].split()) for s in segments)}")
    typer.echo("styles " + ", ".join(f"{k} {v} ({v / len(rows):.0%})" for k, v in styles.items()))
    typer.echo("labels " + ", ".join(f"{k} {labels[k]} ({labels[k] / len(segments):.0%})" for k in LABELS))
    short = [s for s in segments if len(s["text"].split()) <= 3]
    typer.echo(f"backchannels (<=3 words) {len(short)} ({len(short) / len(segments):.0%})")
    for n, name in enumerate(("industry", "manager style", "rep situation")):
        parts = Counter(r["scenario"].split(";")[n].strip() if len(r["scenario"].split(";")) > n else "?" for r in rows)
        typer.echo(f"{name}: {len(parts)} distinct")
        for value, count in parts.most_common():
            typer.echo(f"  {count:3d}  {value}")


if __name__ == "__main__":
    app()
