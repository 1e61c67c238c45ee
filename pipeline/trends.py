"""Trends over many analyses: per manager and per rep, each label's share by ISO week.

"Deal-review creep": the deal-status share of someone's latest weeks sits `creep_pp` points or more
above their earliest weeks, the slow slide of 1:1s into pipeline reviews. Used by the batch script's
`trends` command and the trends page; rows are API.md analyses plus a `date` (YYYY-MM-DD).
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from models.labels import LABELS


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


def mean_share(rows: list[dict[str, Any]], key: str) -> float:
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
    """One row per person and week: meetings, mean share per label and people_share, and their creep flag."""
    out = []
    for (role, name), weeks in sorted(weekly(rows).items()):
        ordered = sorted(weeks)
        flagged = creep([mean_share(weeks[w], "deal-status") for w in ordered], window, creep_pp)
        for week in ordered:
            meetings = weeks[week]
            out.append({"role": role, "name": name, "week": week, "meetings": len(meetings),
                        **{f"share_{label}": round(mean_share(meetings, label), 4) for label in LABELS},
                        "people_share": round(mean_share(meetings, "people_share"), 4),
                        "deal_review_creep": flagged})
    return out
