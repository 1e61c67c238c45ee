"""Trends from batch output: weekly shares per manager and per rep, with deal-review creep (pipeline/trends.py)."""

import csv
import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from pipeline.trends import creep, mean_share, trend_rows, weekly

app = typer.Typer(add_completion=False, help=__doc__)


@app.command()
def main(
    analyses: Path = typer.Argument(..., help="analyses.jsonl written by scripts/score.py"),
    out: Path = typer.Option(Path("trends.csv")),
    window: int = typer.Option(3, help="Weeks compared at each end."),
    creep_pp: float = typer.Option(10.0, help="Rise in deal-status share, in points, that flags creep."),
) -> None:
    """Write weekly shares per manager and rep, and print who shows deal-review creep."""
    rows = [json.loads(line) for line in analyses.read_text(encoding="utf-8").splitlines() if line.strip()]
    table = trend_rows(rows, window, creep_pp)
    with out.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(table[0]) if table else ["role", "name", "week"])
        writer.writeheader()
        writer.writerows(table)
    undated = sum(1 for r in rows if not r.get("date"))
    view = Table(title=f"deal-review creep (window {window} weeks, +{creep_pp:g} pp)")
    for column in ("role", "name", "weeks", "first deal %", "last deal %", "creep"):
        view.add_column(column)
    for (role, name), weeks in sorted(weekly(rows).items()):
        deal = [mean_share(weeks[w], "deal-status") for w in sorted(weeks)]
        view.add_row(role, name, str(len(deal)), f"{deal[0] * 100:.0f}", f"{deal[-1] * 100:.0f}",
                     "YES" if creep(deal, window, creep_pp) else "")
    Console().print(view)
    typer.echo(f"{len(table)} rows -> {out}; {undated} analyses had no date in their file name and were left out")


if __name__ == "__main__":
    app()
