"""The pages around stored analyses: sign-in, an organisation's list of 1:1s, one person's weekly trends.

Pure like api/pages/render.py: data in, HTML out, through the same autoescaping template environment.
Links carry names URL-encoded (urllib.parse.quote); Jinja escapes them again for the HTML attribute.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from api.pages import svg
from api.pages.render import ENV
from api.routes.transcripts import AnalysisSummary
from models.labels import LABELS
from pipeline.trends import creep

HELD_PP = 3.0
FLAG_NAMES = {"deal-dominated": "deal talk dominated", "no-goals": "no goals", "no-coaching": "no coaching",
              "low-rapport": "little rapport", "manager-talks-most": "manager talked most",
              "manager-monologue": "manager monologue"}
CREEP_TIP = ("Send the pipeline numbers ahead as a written pre-read (or move them to the forecast call), "
             "and open the next 1:1 with one coaching question about a recent deal.")


@dataclass(frozen=True)
class ReportRow:
    """One stored analysis as the list shows it, its links already built."""

    summary: AnalysisSummary
    href: str
    manager_href: str | None
    rep_href: str | None
    bar: str
    flags: list[tuple[str, str]]


@dataclass(frozen=True)
class Change:
    """A weekly series' mean over its first weeks and over its last weeks."""

    first: float
    last: float

    @property
    def points(self) -> float:
        """The change in percentage points, the unit the creep threshold is set in."""
        return (self.last - self.first) * 100


@dataclass(frozen=True)
class CreepNote:
    """The creep verdict in words: state is creep, clear or too-few; tip is set only for creep."""

    state: str
    text: str
    tip: str | None


def trends_url(role: str, name: str) -> str:
    """The trends page of one person; the name is URL-encoded so any name makes a working link."""
    return f"/trends?role={quote(role, safe='')}&name={quote(name, safe='')}"


def flag_name(code: str) -> str:
    """A flag code as a reader says it; codes this page does not know yet lose only their hyphens."""
    return FLAG_NAMES.get(code, code.replace("-", " "))


def render_login(*, error: str | None = None, next_url: str = "/reports") -> str:
    """The sign-in form: the browser's way to hand over an API key once and get a cookie."""
    return ENV.get_template("login.html").render(error=error, next_url=next_url)


def _report_row(summary: AnalysisSummary) -> ReportRow:
    when = summary.meeting_date.isoformat()
    return ReportRow(
        summary=summary,
        href=f"/reports/{quote(summary.id, safe='')}",
        manager_href=trends_url("manager", summary.manager) if summary.manager else None,
        rep_href=trends_url("rep", summary.rep) if summary.rep else None,
        bar=svg.share_bar(summary.shares, height=10, label=f"Label mix of the {when} 1:1"),
        flags=[(code, flag_name(code)) for code in summary.flags],
    )


def render_reports(summaries: Sequence[AnalysisSummary], *, org: str, manager: str | None = None,
                   rep: str | None = None) -> str:
    """The organisation's stored 1:1s in the order given (newest first), so a manager can pick one or a person's trend."""
    return ENV.get_template("reports.html").render(
        rows=[_report_row(s) for s in summaries], org=org, manager=manager, rep=rep, labels=LABELS)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def compare(values: Sequence[float], window: int) -> Change:
    """First `window` weeks against the last, as pipeline.trends.creep does; fewer weeks compare their halves."""
    span = max(1, min(window, len(values) // 2))
    return Change(first=_mean(values[:span]), last=_mean(values[-span:]))


def _weeks(count: int) -> str:
    return f"{count} week" if count == 1 else f"{count} weeks"


def trend_headline(rows: Sequence[dict[str, Any]], *, name: str, window: int, creep_pp: float) -> str:
    """One sentence on where this person's 1:1s are drifting, deal status first because creep is the risk.

    Rules, in order (shares compared with `compare`: the mean of the first `window` weeks against the last):
    1. No rows: say there is nothing yet.
    2. One week: that week's people share and deal status, no direction.
    3. Deal status rose HELD_PP points or more: "Deal status rose from 30% to 62% of Dana Ruiz's 1:1s over
       6 weeks", then ": deal-review creep." when pipeline.trends.creep flags it, "; too few weeks yet to
       call it creep." when the rise reaches creep_pp without 2 × window weeks, else ", under the 10-point
       creep line."
    4. Otherwise the people share: "held at 58% over 4 weeks" within HELD_PP points, else "rose"/"fell from
       40% to 58% over 6 weeks".
    """
    if not rows:
        return f"No dated 1:1s for {name} yet."
    if len(rows) == 1:
        row = rows[0]
        return (f"One week so far ({row['week']}): {svg.percent(row['people_share'])} of {name}'s 1:1s went to the person, "
                f"{svg.percent(row['share_deal-status'])} to deal status.")
    over = f"over {_weeks(len(rows))}"
    deals = [row["share_deal-status"] for row in rows]
    deal = compare(deals, window)
    if deal.points >= HELD_PP:
        rose = f"Deal status rose from {svg.percent(deal.first)} to {svg.percent(deal.last)} of {name}'s 1:1s {over}"
        if creep(deals, window, creep_pp):
            return f"{rose}: deal-review creep."
        if deal.points >= creep_pp:
            return f"{rose}; too few weeks yet to call it creep."
        return f"{rose}, under the {creep_pp:g}-point creep line."
    people = compare([row["people_share"] for row in rows], window)
    if abs(people.points) < HELD_PP:
        return f"People share held at {svg.percent(people.last)} {over}."
    verb = "rose" if people.points > 0 else "fell"
    return f"People share {verb} from {svg.percent(people.first)} to {svg.percent(people.last)} {over}."


def creep_note(rows: Sequence[dict[str, Any]], *, name: str, window: int, creep_pp: float) -> CreepNote:
    """The deal-review creep verdict in plain words, with one thing to try when it is flagged."""
    deals = [row["share_deal-status"] for row in rows]
    if len(deals) < 2 * window:
        return CreepNote("too-few", f"Too soon to judge deal-review creep: it compares the first and last {_weeks(window)}, "
                                    f"so it needs {_weeks(2 * window)} with 1:1s, and {name} has {_weeks(len(deals))}.", None)
    deal = compare(deals, window)
    figures = (f"deal status averaged {svg.percent(deal.last)} of {name}'s 1:1s in the last {_weeks(window)}, "
               f"against {svg.percent(deal.first)} in the first {_weeks(window)}")
    if creep(deals, window, creep_pp):
        return CreepNote("creep", f"Deal-review creep: {figures}, {deal.points:.0f} points more, "
                                  f"past the {creep_pp:g}-point line.", CREEP_TIP)
    return CreepNote("clear", f"No deal-review creep: {figures}, under the {creep_pp:g}-point line.", None)


def render_trends(rows: Sequence[dict[str, Any]], *, role: str, name: str, window: int, creep_pp: float) -> str:
    """One person's weekly balance (pipeline.trends.trend_rows already filtered to them), so a slow slide shows."""
    series = {**{label: [row[f"share_{label}"] for row in rows] for label in LABELS},
              svg.PEOPLE_SERIES: [row["people_share"] for row in rows]}
    return ENV.get_template("trends.html").render(
        rows=rows, role=role, name=name, labels=LABELS, window=window,
        headline=trend_headline(rows, name=name, window=window, creep_pp=creep_pp),
        note=creep_note(rows, name=name, window=window, creep_pp=creep_pp) if rows else None,
        chart=svg.trend_chart([row["week"] for row in rows], series) if rows else "",
    )
