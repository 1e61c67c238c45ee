"""Assemble the serving model (base + shipped delta -> ONNX fp32 and int8) into the cache, once."""

from pathlib import Path

import typer

from models.build import ensure_built
from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR
from scripts.progress import progress_bar

app = typer.Typer(add_completion=False)


@app.command()
def main(cache_dir: Path = typer.Option(DEFAULT_CACHE, envvar="BALANCE_MODEL_CACHE_DIR")) -> None:
    """Build the ONNX graphs if the cache lacks them; a no-op when they are already there."""
    with progress_bar("model") as update:
        target = ensure_built(WEIGHTS_DIR, cache_dir, update)
    typer.echo(f"model ready in {target}")


if __name__ == "__main__":
    app()
