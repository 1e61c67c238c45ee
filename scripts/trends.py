"""Trends from batch output: per manager and per rep, each label's share by ISO week.

Flags "deal-review creep": the deal-status share of someone's latest weeks sits `creep_pp` points or
more above their earliest weeks, the slow slide of 1:1s into pipeline reviews.
"""

import csv
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from models.labels import LABELS

app = typer.Typer(add_completion=False, help=__doc__)


def weekly(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, list[dict[str, Any]]]]:
    """(role, name) -> ISO week -> analyses; analyses without a date are left out (and counted)."""
    people: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        if not row.get("date"):
            continue
        year, week, _ = dt.date.fromisoformat(row["date"]).isocalendar()
        for speaker in row["speakers"]:
            if speaker["role"] in ("manager", "rep"):
                people[(speaker["role"], speaker["name"])][f"{year}-W{week:02d}"].append(row)
    return people


def _mean(rows: list[dict[str, Any]], key: str) -> float:
    values = [r["profile"]["people_share"] if key == "people_share" else r["profile"]["labels"][key]["share"] for r in rows]
    return sum(values) / len(values)


def creep(deal_by_week: list[float], window: int, creep_pp: float) -> bool:
    """Whether the last `window` weeks average creep_pp points more deal status than the first."""
    if len(deal_by_week) < 2 * window:
        return False
    first = sum(deal_by_week[:window]) / window
    last = sum(deal_by_week[-window:]) / window
    return (last - first) * 100 >= creep_pp


def trend_rows(rows: list[dict[str, Any]], window: int, creep_pp: float) -> list[dict[str, Any]]:
    out = []
    for (role, name), weeks in sorted(weekly(rows).items()):
        ordered = sorted(weeks)
        flagged = creep([_mean(weeks[w], "deal-status") for w in ordered], window, creep_pp)
        for week in ordered:
            meetings = weeks[week]
            out.append({"role": role, "name": name, "week": week, "meetings": len(meetings),
                        **{f"share_{label}": round(_mean(meetings, label), 4) for label in LABELS},
                        "people_share": round(_mean(meetings, "people_share"), 4),
                        "deal_review_creep": flagged})
    return out


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
        deal = [_mean(weeks[w], "deal-status") for w in sorted(weeks)]
        view.add_row(role, name, str(len(deal)), f"{deal[0] * 100:.0f}", f"{deal[-1] * 100:.0f}",
                     "YES" if creep(deal, window, creep_pp) else "")
    Console().print(view)
    typer.echo(f"{len(table)} rows -> {out}; {undated} analyses had no date in their file name and were left out")


if __name__ == "__main__":
    app()
