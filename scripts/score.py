"""Batch scoring: folders of transcripts in, one API.md analysis per line out, resumable.

Outputs in --out: analyses.jsonl (the analysis plus `source`), errors.jsonl (source and reason),
summary.csv (one row per transcript), and summary.parquet with --parquet. Lines are appended and
flushed one batch at a time; a run killed mid-write leaves at most a partial last line, which the next
run drops before it skips every source already done.
"""

import csv
import glob
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from models.classifier import DEFAULT_CACHE, SegmentClassifier
from pipeline.analyze import AnalysisConfig, Request, analyze, check_length
from pipeline.ingest import parse
from pipeline.schemas import Analysis
from pipeline.segment import load_nlp
from scripts.progress import progress_bar

app = typer.Typer(add_completion=False, help=__doc__)
SUFFIXES = {".vtt", ".srt", ".txt", ".json"}
PARTIES_SUFFIX = ".parties.json"
DATE_RE = re.compile(r"(20\d\d)[-_]?([01]\d)[-_]?([0-3]\d)")
LABEL_COLUMNS = ("deal-status", "coaching", "goals", "rapport")


def expand(inputs: Iterable[str]) -> list[Path]:
    """Files, folders (recursively) and globs, in a stable order, without Gong parties sidecars."""
    found: set[Path] = set()
    for item in inputs:
        matches = [Path(p) for p in glob.glob(item, recursive=True)] or [Path(item)]
        for path in matches:
            if path.is_dir():
                found.update(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            elif path.is_file():
                found.add(path)
            else:
                raise typer.BadParameter(f"{item}: no such file, folder or glob match")
    return sorted(p for p in found if not p.name.endswith(PARTIES_SUFFIX))


def read_request(path: Path, fmt: str) -> Request:
    """Parse one file; Gong parties may sit beside it as <name>.parties.json (an /v2/calls/extensive answer)."""
    sidecar = path.with_name(path.stem + PARTIES_SUFFIX)
    parties = None
    if sidecar.exists():
        data = json.loads(sidecar.read_text())
        parties = data.get("parties") or [p for call in data.get("calls", []) for p in call.get("parties", [])]
    return Request(transcript=parse(path.read_bytes(), fmt, parties=parties))


def meeting_date(path: Path) -> str | None:
    """The date written in the file name (2026-11-03, 20261103), if any; never the file's mtime."""
    match = DATE_RE.search(path.name)
    return "-".join(match.groups()) if match else None


@dataclass
class Output:
    """The run's files; appends whole lines only, and cleans a torn last line from a killed run."""

    folder: Path

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.analyses = self.folder / "analyses.jsonl"
        self.errors = self.folder / "errors.jsonl"
        for path in (self.analyses, self.errors):
            _drop_torn_line(path)

    def done(self, retry_errors: bool) -> set[str]:
        sources = {row["source"] for row in _rows(self.analyses)}
        return sources if retry_errors else sources | {row["source"] for row in _rows(self.errors)}

    def write(self, analyses: list[dict[str, Any]], errors: list[dict[str, str]]) -> None:
        for path, rows in ((self.analyses, analyses), (self.errors, errors)):
            if rows:
                with path.open("a", encoding="utf-8") as f:
                    f.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
                    f.flush()


def _drop_torn_line(path: Path) -> None:
    if path.exists() and path.stat().st_size:
        data = path.read_bytes()
        if not data.endswith(b"\n"):
            path.write_bytes(data[: data.rfind(b"\n") + 1])


def _rows(path: Path) -> Iterator[dict[str, Any]]:
    if path.exists():
        with path.open(encoding="utf-8") as f:
            yield from (json.loads(line) for line in f if line.strip())


def record(path: Path, analysis: Analysis) -> dict[str, Any]:
    """One JSON Lines row: the API.md analysis plus where it came from."""
    return {"source": str(path), "date": meeting_date(path), **analysis.model_dump(mode="json")}


def prepare(paths: list[Path], fmt: str, config: AnalysisConfig) -> tuple[list[Request], list[Path], list[dict[str, str]]]:
    """Parse a batch; a file that fails is recorded with its reason and the batch goes on."""
    requests, kept, errors = [], [], []
    for path in paths:
        try:
            request = read_request(path, fmt)
            check_length(request, config)
        except Exception as exc:  # the documented catch-all: one bad file never stops a batch
            errors.append({"source": str(path), "error": f"{type(exc).__name__}: {exc}"})
            continue
        requests.append(request)
        kept.append(path)
    return requests, kept, errors


class Scorer:
    """Loaded models plus the scoring of one batch; used as is locally and as a Ray actor."""

    def __init__(self, cache_dir: Path = DEFAULT_CACHE, threads: int = 0, fmt: str = "auto") -> None:
        self.nlp = load_nlp()
        self.classifier = SegmentClassifier.load(cache_dir=cache_dir, threads=threads)
        self.config = AnalysisConfig()
        self.fmt = fmt

    def score(self, paths: list[Path]) -> tuple[list[dict[str, Any]], list[dict[str, str]]]:
        requests, kept, errors = prepare(paths, self.fmt, self.config)
        analyses = analyze(requests, nlp=self.nlp, classifier=self.classifier, config=self.config) if requests else []
        return [record(p, a) for p, a in zip(kept, analyses, strict=True)], errors

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[str]]:
        """Ray Data batch form: sources in, JSON rows out (one column, so any mix of results fits)."""
        rows, errors = self.score([Path(p) for p in batch["source"]])
        return {"row": [json.dumps(r) for r in rows] + [json.dumps({"error": e}) for e in errors]}


def local_batches(scorer: Scorer, paths: list[Path], batch_size: int) -> Iterator[tuple[list, list]]:
    for i in range(0, len(paths), batch_size):
        yield scorer.score(paths[i:i + batch_size])


def ray_batches(paths: list[Path], batch_size: int, address: str | None, actors: int, cache_dir: Path,
                fmt: str) -> Iterator[tuple[list, list]]:
    """Ray Data: an actor pool where each actor loads the model once, fed batches of file paths."""
    import ray

    ray.init(address=address, ignore_reinit_error=True, log_to_driver=False, include_dashboard=False)
    try:
        dataset = ray.data.from_items([{"source": str(p)} for p in paths])
        scored = dataset.map_batches(Scorer, fn_constructor_kwargs={"cache_dir": cache_dir, "threads": 1, "fmt": fmt},
                                     batch_size=batch_size, concurrency=actors, batch_format="numpy")
        for batch in scored.iter_batches(batch_size=batch_size, batch_format="numpy"):
            decoded = [json.loads(r) for r in batch["row"]]
            yield [r for r in decoded if "error" not in r], [r["error"] for r in decoded if "error" in r]
    finally:
        ray.shutdown()


def write_summary(output: Output, parquet: bool) -> int:
    """Rebuild summary.csv (and .parquet) from every analysis written so far."""
    rows = []
    for a in _rows(output.analyses):
        roles = {s["role"]: s["name"] for s in a["speakers"]}
        labels = a["profile"]["labels"]
        rows.append({
            "source": a["source"], "id": a["id"], "date": a.get("date"), "manager": roles.get("manager"),
            "rep": roles.get("rep"), "duration_seconds": a["duration_seconds"], "basis": a["profile"]["basis"],
            **{f"share_{label}": labels[label]["share"] for label in LABEL_COLUMNS},
            "people_share": a["profile"]["people_share"], "talk_ratio": a["profile"]["talk_ratio"],
            "flags": ";".join(f["code"] for f in a["profile"]["flags"]),
        })
    with (output.folder / "summary.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]) if rows else ["source"])
        writer.writeheader()
        writer.writerows(rows)
    if parquet and rows:
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(rows), output.folder / "summary.parquet")
    return len(rows)


@app.command()
def main(
    inputs: list[str] = typer.Argument(..., help="Transcript files, folders and globs."),
    out: Path = typer.Option(..., help="Output folder (created; re-running resumes)."),
    fmt: str = typer.Option("auto", "--format", help="Force one format for every file."),
    engine: str = typer.Option("local", help="local | ray"),
    address: str | None = typer.Option(None, help="Ray cluster address; default starts a local Ray."),
    actors: int = typer.Option(2, help="Ray actors (each loads the model once)."),
    batch_size: int = typer.Option(16, help="Transcripts per inference batch."),
    retry_errors: bool = typer.Option(True, help="Try files that failed in an earlier run again."),
    parquet: bool = typer.Option(False, help="Also write summary.parquet (needs pyarrow)."),
    cache_dir: Path = typer.Option(DEFAULT_CACHE, envvar="BALANCE_MODEL_CACHE_DIR"),
) -> None:
    """Score every transcript under INPUTS into --out; exit code 1 if any file failed."""
    if engine not in ("local", "ray"):
        raise typer.BadParameter("engine must be local or ray")
    output = Output(out)
    done = output.done(retry_errors)
    todo = [p for p in expand(inputs) if str(p) not in done]
    typer.echo(f"{len(todo)} to score, {len(done)} already done")
    failed = 0
    with progress_bar(f"score ({engine})") as update:
        update("starting", 0, len(todo))
        batches = (local_batches(Scorer(cache_dir, fmt=fmt), todo, batch_size) if engine == "local"
                   else ray_batches(todo, batch_size, address, actors, cache_dir, fmt))
        finished = 0
        for rows, errors in batches:
            output.write(rows, errors)
            finished += len(rows) + len(errors)
            failed += len(errors)
            update(f"{failed} failed", finished, len(todo))
    total = write_summary(output, parquet)
    typer.echo(f"{total} analyses in {output.analyses}; {failed} failed this run (see {output.errors})")
    raise typer.Exit(1 if failed else 0)


if __name__ == "__main__":
    app()
