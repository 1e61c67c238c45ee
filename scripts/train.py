"""Train the segment classifier from the committed corpus and write the shipped weights delta."""

import json
from pathlib import Path

import typer

from models.classifier import WEIGHTS_DIR
from models.training import TrainConfig, train
from scripts.progress import progress_bar

app = typer.Typer(add_completion=False)


@app.command()
def main(
    out: Path = typer.Option(WEIGHTS_DIR, help="Where adapter.safetensors and model_card.json go."),
    seed: int = 13,
    epochs: int = 6,
    context_size: int = typer.Option(128, help="Units per direction of the GRU that reads the conversation."),
    asr_augment: float = typer.Option(0.35, help="Share of training conversations shown lowercased without punctuation."),
    lora_r: int = 16,
    limit_transcripts: int = typer.Option(0, help="Train on the first N transcripts only (smoke runs)."),
) -> None:
    """Fine-tune MiniLM (LoRA + GRU context layer) on the train split, select on dev, calibrate, save."""
    config = TrainConfig(seed=seed, epochs=epochs, context_size=context_size, asr_augment=asr_augment,
                         lora_r=lora_r, limit_transcripts=limit_transcripts)
    with progress_bar("train") as update:
        card = train(config, out, update)
    typer.echo(json.dumps({k: card[k] for k in ("version", "temperature", "history", "train_seconds")}, indent=1))
    typer.echo(f"dev macro-F1 {card['dev']['macro_f1']:.4f}  accuracy {card['dev']['accuracy']:.4f}  "
               f"share error {card['dev']['share_error_pp']:.2f} pp  ECE {card['dev']['ece']:.4f}")


if __name__ == "__main__":
    app()
