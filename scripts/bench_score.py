"""Batch scoring speed: transcripts/min for the local and the Ray engine on the same 50 transcripts.

Each engine runs as its own `scripts.score` process over a temporary folder (model loading included,
as a user would see it); the local engine is the baseline for the ratio.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import typer

from models import corpus
from scripts.synthetic import cues, zoom_vtt

app = typer.Typer(add_completion=False)


def write_transcripts(folder: Path, count: int) -> int:
    """`count` corpus transcripts as Zoom VTT files; returns the number of words written."""
    words = 0
    for t in corpus.load()[:count]:
        (folder / f"{t.id}.vtt").write_bytes(zoom_vtt(cues(t.segments)))
        words += sum(len(s.text.split()) for s in t.segments)
    return words


@app.command()
def main(count: int = 50, actors: int = 2) -> None:
    """Score the same folder with both engines and print throughput."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        words = write_transcripts(src, count)
        results = {}
        for engine in ("local", "ray"):
            extra = ["--actors", str(actors)] if engine == "ray" else []
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "scripts.score", str(src), "--out", str(Path(tmp) / engine),
                            "--engine", engine, *extra], check=True, capture_output=True)
            results[engine] = time.perf_counter() - started
        typer.echo(f"{count} transcripts, {words} words")
        for engine, seconds in results.items():
            typer.echo(f"  {engine:5s} {seconds:6.1f} s  {count / seconds * 60:6.1f} transcripts/min  "
                       f"x{results['local'] / seconds:.2f} vs local")


if __name__ == "__main__":
    app()
