"""Train the segment classifier from the committed corpus and write the shipped weights delta."""

import json
from pathlib import Path

import typer

from models import corpus
from models.classifier import WEIGHTS_DIR
from models.training import TrainConfig, train
from pipeline import resegment
from pipeline.segment import load_nlp
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
    lora_layers: int = typer.Option(6, help="Encoder layers, from the top, that get the LoRA adapter."),
    lora_dropout: float = typer.Option(0.0, help="Dropout on the adapter's input; its random masks cost 40% more per CPU step."),
    rank_dropout: float = typer.Option(0.1, help="Dropout on the adapter's rank-r bottleneck instead, nearly free on CPU."),
    upload_views: int = typer.Option(3, help="Re-segmented upload views made of each training transcript."),
    view_share: float = typer.Option(0.5, help="Share of training steps shown one of those views."),
    limit_transcripts: int = typer.Option(0, help="Train on the first N transcripts only (smoke runs)."),
) -> None:
    """Fine-tune MiniLM (LoRA + GRU context layer) on the train split, select on dev, calibrate, save."""
    config = TrainConfig(seed=seed, epochs=epochs, context_size=context_size, asr_augment=asr_augment,
                         lora_r=lora_r, lora_layers=lora_layers, lora_dropout=lora_dropout, rank_dropout=rank_dropout,
                         upload_views=upload_views, view_share=view_share,
                         limit_transcripts=limit_transcripts)
    splits = corpus.split(corpus.load())
    nlp = load_nlp()
    views = resegment.upload_views(nlp, splits["train"][: limit_transcripts or None], upload_views, seed)
    dev_views = [resegment.resegmented(nlp, t, 8) for t in splits["dev"]] if upload_views else []
    with progress_bar("train") as update:
        card = train(config, out, update, views, dev_views)
    typer.echo(json.dumps({k: card[k] for k in ("version", "temperature", "history", "train_seconds")}, indent=1))
    typer.echo(f"dev macro-F1 {card['dev']['macro_f1']:.4f}  accuracy {card['dev']['accuracy']:.4f}  "
               f"share error {card['dev']['share_error_pp']:.2f} pp  ECE {card['dev']['ece']:.4f}")


if __name__ == "__main__":
    app()
