"""Turn an Analysis into the balance report page: pure functions, no request, no storage.

Jinja2 autoescapes every value. The only markup let through unescaped: what api/pages/svg.py builds (it
escapes its own text; templates mark it `|safe`), the palette CSS, and the embedded JSON, whose `<`, `>` and
`&` are written as \\u escapes. Other pages (stored analyses, trends) extend templates/base.html.
"""

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from api.pages import svg
from models.labels import LABELS, PEOPLE_LABELS
from pipeline.ingest import FORMATS
from pipeline.schemas import Analysis, Profile

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LOW_CONFIDENCE = 0.6
ABSENT_SHARE = 0.02
CSV_COLUMNS = ("index", "speaker", "start", "end", "label", "confidence", "text")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SUGGESTIONS = {
    "deal-dominated": "Send the pipeline review ahead as a written pre-read, cap deal talk at 15 minutes, "
                      "and spend the rest on the rep.",
    "no-goals": "Ask one career question and listen: \"What would make this year a win for you?\"",
    "no-coaching": "Debrief one recent call together: \"When they pushed back, what did you say? "
                   "What would you try next time?\"",
    "low-rapport": "Open with five minutes on the person before any numbers: \"How are you doing, really?\"",
    "manager-talks-most": "Ask, then wait: aim for the rep to talk at least half the time, "
                          "and end each point with an open question.",
    "manager-monologue": "Stop every minute or two to check in: \"How does that land with you?\"",
}
FORMAT_NAMES = {"auto": "Detect automatically", "zoom-vtt": "Zoom (.vtt)", "teams-vtt": "Microsoft Teams (.vtt)",
                "vtt": "Other WebVTT (.vtt)", "srt": "SubRip (.srt)", "gong-json": "Gong (.json)",
                "text": "Plain text or Otter (.txt)", "segments-json": "Segments JSON (.json)"}

# The one template environment; api/pages/lists.py renders its pages through it too.
ENV = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)
ENV.filters.update(percent=svg.percent, clock=svg.clock, label_name=svg.name, ordered=svg.ordered)


@dataclass(frozen=True)
class Row:
    """One transcript segment as the table shows it."""

    index: int
    speaker: str
    when: str
    text: str
    label: str
    confidence: str
    low: bool


def _join(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _absent(profile: Profile) -> str:
    """'goals never came up' for labels at 0, 'barely came up' for those under ABSENT_SHARE."""
    shares = {label: profile.labels[label].share for label in PEOPLE_LABELS if label in profile.labels}
    never = [svg.name(label) for label, share in shares.items() if share == 0]
    barely = [svg.name(label) for label, share in shares.items() if 0 < share < ABSENT_SHARE]
    clauses = [f"{_join(never)} never came up"] if never else []
    clauses += [f"{_join(barely)} barely came up"] if barely else []
    return " and ".join(clauses)


def headline(profile: Profile) -> str:
    """One plain sentence that says whether this 1:1 led the person or the numbers.

    Rules, in order:
    1. No measurable talk at all (every share 0): say so.
    2. Deal status took more than the people labels together (`people_share`): lead with the deal share, then
       name the people labels that never (0%) or barely (under ABSENT_SHARE) came up; if none is missing,
       say what the person got and which people label led it.
       "71% of this 1:1 went to deal status; goals never came up."
    3. Otherwise lead with `people_share` and the people labels that came up (in label order), then any missing.
       "58% of this 1:1 went to the person: coaching, goals and rapport."
    """
    deal = profile.labels["deal-status"].share if "deal-status" in profile.labels else 0.0
    people = profile.people_share
    if deal == 0 and people == 0:
        return "This 1:1 has no measurable talk to profile."
    missing = _absent(profile)
    if deal > people:
        if missing:
            return f"{svg.percent(deal)} of this 1:1 went to deal status; {missing}."
        top = svg.name(max(PEOPLE_LABELS, key=lambda label: profile.labels[label].share))
        return f"{svg.percent(deal)} of this 1:1 went to deal status; the person got {svg.percent(people)}, mostly {top}."
    present = [svg.name(label) for label in PEOPLE_LABELS if profile.labels[label].share >= ABSENT_SHARE]
    return f"{svg.percent(people)} of this 1:1 went to the person: {_join(present)}{'; ' + missing if missing else ''}."


def suggestion(code: str) -> str | None:
    """The one concrete thing to try next time for a flag, or None for a code this page does not know yet."""
    return SUGGESTIONS.get(code)


def cell(text: str) -> str:
    """Transcript text for a spreadsheet: a leading = + - @ would run as a formula, so it gets a quote first."""
    return "'" + text if text[:1] in FORMULA_STARTS else text


def segments_csv(analysis: Analysis) -> str:
    """The segments as CSV, for a spreadsheet or a second opinion on the labels."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    writer.writerows((s.index, cell(s.speaker), "" if s.start is None else s.start, "" if s.end is None else s.end,
                      s.label or "", "" if s.confidence is None else s.confidence, cell(s.text)) for s in analysis.segments)
    return out.getvalue()


def script_json(text: str) -> Markup:
    """JSON text made safe inside a <script> element: no `<`, `>` or `&` survive, so nothing can close it early."""
    return Markup(text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e"))


def palette_css() -> Markup:
    """The label colours as CSS custom properties, from the one palette in api/pages/svg.py."""
    rules = "".join(f".label-{label}{{--fill:{svg.fill(label)};--ink:{svg.ink(label)}}}" for label in LABELS)
    return Markup(rules)


ENV.globals["palette"] = palette_css()


def _rows(analysis: Analysis) -> list[Row]:
    timed = analysis.profile.basis == "time"
    return [
        Row(index=s.index, speaker=s.speaker, when=svg.clock(s.start) if timed else f"#{s.index + 1}",
            text=s.text, label=s.label or "", confidence="" if s.confidence is None else svg.percent(s.confidence),
            low=s.confidence is not None and s.confidence < LOW_CONFIDENCE)
        for s in analysis.segments
    ]


def _people(analysis: Analysis, manager: str | None, rep: str | None) -> tuple[str | None, str | None]:
    """The names the caller gave, else the first speaker holding each role."""
    roles = {s.role: s.name for s in reversed(analysis.speakers)}
    return manager or roles.get("manager"), rep or roles.get("rep")


def render_report(analysis: Analysis, *, manager: str | None = None, rep: str | None = None,
                  json_url: str | None = None, csv_url: str | None = None, share_action: str | None = None,
                  share_link: str | None = None, back_url: str | None = None) -> str:
    """The whole report page; without download URLs the JSON and CSV ride along in the page itself.

    Stored reports add `share_action` (where the "create share link" form posts), `share_link` (a link just
    made, shown to copy) and `back_url` (the list they came from); the upload path passes none of them.
    """
    profile = analysis.profile
    return ENV.get_template("report.html").render(
        analysis=analysis,
        profile=profile,
        headline=headline(profile),
        people=_people(analysis, manager, rep),
        labels=svg.ordered(profile.labels),
        share_bar=svg.share_bar({k: v.share for k, v in profile.labels.items()}),
        speakers=[(s, svg.share_bar(s.labels, height=12, label=f"{s.name}'s label mix")) for s in analysis.speakers],
        timeline=svg.timeline(analysis.segments, [s.name for s in analysis.speakers], profile.basis),
        flags=[(flag, suggestion(flag.code)) for flag in profile.flags],
        rows=_rows(analysis),
        low_confidence=LOW_CONFIDENCE,
        json_url=json_url,
        csv_url=csv_url,
        analysis_json=None if json_url else script_json(analysis.model_dump_json()),
        csv_json=None if csv_url else script_json(json.dumps(segments_csv(analysis))),
        share_action=share_action,
        share_link=share_link,
        back_url=back_url,
    )


def render_upload(*, error: str | None = None, format: str = "auto", manager: str | None = None,
                  rep: str | None = None) -> str:
    """The upload form, with the last error and the fields the person already filled in."""
    formats = [(f, FORMAT_NAMES.get(f, f)) for f in FORMATS]
    return ENV.get_template("upload.html").render(error=error, format=format, manager=manager, rep=rep, formats=formats)
