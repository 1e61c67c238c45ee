"""The report renderer without a browser: wording rules, figures, escaping and the CSV."""

import csv
import inspect
import io
import json
import re
from html.parser import HTMLParser

import pytest

import pipeline.profile
from api.pages import svg
from api.pages.render import LOW_CONFIDENCE, SUGGESTIONS, headline, render_report, render_upload, segments_csv
from pipeline.analyze import AnalysisConfig, Request, analyze_one
from pipeline.ingest import parse
from pipeline.profile import ProfileConfig, build_profile
from pipeline.schemas import Analysis, Flag, LabelStats, ModelInfo, Profile, Segment
from tests.conftest import DATA
from tests.utils.builders import timed, untimed

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
HOSTILE_SPEECH = "<script>alert(1)</script> and </script><script>alert(2)</script>"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>'
MEETING: list[tuple[str, float, float, str, str]] = [
    ("Dana", 0, 10, "Hi Sam, how was the weekend?", "rapport"),
    ("Sam", 10, 20, "Great, we went hiking with the kids.", "rapport"),
    ("Dana", 20, 50, "Where are we with Acme? Is it still committed for the 30th?", "deal-status"),
    ("Sam", 50, 80, 'Legal has the redlines, and procurement wants "another" five percent off.\nSigned by Friday.',
     "deal-status"),
    ("Dana", 80, 100, "When they asked for the discount, what did you trade for it?", "coaching"),
]


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def all(self, tag: str | None = None, **attrs: str) -> list["Node"]:
        wanted = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if (tag is None or child.tag == tag) and all(child.attrs.get(k) == v for k, v in wanted.items()):
                    found.append(child)
                found.extend(child.all(tag, **attrs))
        return found

    def one(self, tag: str | None = None, **attrs: str) -> "Node":
        (node,) = self.all(tag, **attrs)
        return node


class Tree(HTMLParser):
    """The page as the browser's parser sees it, so tests assert on elements rather than on substrings."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {}, None)
        self.feed(page)
        self.close()

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        if node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def analysis_of(segments: list[Segment], roles: dict | None = None, config: ProfileConfig | None = None) -> Analysis:
    names = list(dict.fromkeys(s.speaker for s in segments))
    roles = roles or {names[0]: ("manager", "request"), **{n: ("rep", "request") for n in names[1:]}}
    profile, speakers = build_profile(segments, roles, config or ProfileConfig())
    ends = [s.end for s in segments if s.end is not None]
    return Analysis(id="a1", format="text", duration_seconds=max(ends) if ends else None, segments=segments,
                    speakers=speakers, profile=profile, model=ModelInfo(name="hand", version="0", label_set="test"))


def profile_of(deal: float, coaching: float, goals: float, rapport: float, flags: list[Flag] | None = None) -> Profile:
    shares = {"deal-status": deal, "coaching": coaching, "goals": goals, "rapport": rapport}
    return Profile(basis="time", labels={k: LabelStats(share=v, seconds=v * 100, words=0, segments=0) for k, v in shares.items()},
                   people_share=round(coaching + goals + rapport, 4), flags=flags or [], talk_ratio=None, timeline=[])


@pytest.mark.parametrize(("shares", "sentence"), [
    ((0.71, 0.15, 0.0, 0.14), "71% of this 1:1 went to deal status; goals never came up."),
    ((0.71, 0.0, 0.0, 0.29), "71% of this 1:1 went to deal status; coaching and goals never came up."),
    ((0.70, 0.2, 0.01, 0.09), "70% of this 1:1 went to deal status; goals barely came up."),
    ((0.80, 0.0, 0.01, 0.19), "80% of this 1:1 went to deal status; coaching never came up and goals barely came up."),
    ((0.55, 0.25, 0.05, 0.15), "55% of this 1:1 went to deal status; the person got 45%, mostly coaching."),
    ((0.42, 0.22, 0.12, 0.24), "58% of this 1:1 went to the person: coaching, goals and rapport."),
    ((0.30, 0.5, 0.0, 0.2), "70% of this 1:1 went to the person: coaching and rapport; goals never came up."),
    ((0.50, 0.3, 0.1, 0.1), "50% of this 1:1 went to the person: coaching, goals and rapport."),
    ((0.0, 0.0, 0.0, 0.0), "This 1:1 has no measurable talk to profile."),
])
def test_headline_follows_the_documented_rules(shares, sentence):
    assert headline(profile_of(*shares)) == sentence


def test_report_shows_the_profiles_figures():
    analysis = analysis_of(timed(MEETING))
    tree = Tree(render_report(analysis)).root
    assert tree.one(id="headline").text() == headline(analysis.profile)
    assert headline(analysis.profile) == "60% of this 1:1 went to deal status; goals never came up."
    shown = {li.attrs["data-label"]: li for li in tree.one(id="shares").all("li")}
    assert {k: float(li.attrs["data-share"] or 0) for k, li in shown.items()} == {
        k: v.share for k, v in analysis.profile.labels.items()}
    assert "60%" in shown["deal-status"].text() and "deal status" in shown["deal-status"].text()
    people = tree.one(id="people-share")
    assert float(people.attrs["data-share"] or 0) == analysis.profile.people_share == 0.4 and "40%" in people.text()
    lanes = tree.one(id="timeline").all(class_="lane")
    assert [lane.attrs["data-speaker"] for lane in lanes] == ["Dana", "Sam"]
    assert [len(lane.all("rect", class_="seg")) for lane in lanes] == [3, 2]
    assert [r.attrs["data-label"] for r in tree.one(id="segments").all("tr") if "data-label" in r.attrs] == [
        s.label for s in analysis.segments]
    rows = {r.attrs["data-speaker"]: r.text() for r in tree.one(id="speakers").all("tr") if "data-speaker" in r.attrs}
    assert rows["Dana"].split()[:6] == ["Dana", "manager", "60%", "1:00", "30", "4"] and "30 s, 12 words" in rows["Dana"]


def test_flags_carry_one_suggestion_each_and_unknown_codes_still_show():
    flags = [Flag(code="no-goals", message="Goals never came up."), Flag(code="brand-new", message="Something new happened.")]
    analysis = analysis_of(timed(MEETING)).model_copy(update={"profile": profile_of(0.6, 0.2, 0.0, 0.2, flags)})
    items = Tree(render_report(analysis)).root.one(id="flags").all("li")
    assert [li.attrs["data-code"] for li in items] == ["no-goals", "brand-new"]
    assert SUGGESTIONS["no-goals"] in items[0].text() and "Goals never came up." in items[0].text()
    assert "Something new happened." in items[1].text() and "Next 1:1" not in items[1].text()


def test_every_flag_the_profile_raises_has_a_suggestion():
    codes = set(re.findall(r'code="([a-z-]+)"', inspect.getsource(pipeline.profile)))
    assert codes == set(SUGGESTIONS)


def test_low_confidence_segments_are_marked_in_words():
    segments = timed(MEETING)
    segments[2] = segments[2].model_copy(update={"confidence": LOW_CONFIDENCE - 0.01})
    rows = [r for r in Tree(render_report(analysis_of(segments))).root.one(id="segments").all("tr") if "data-label" in r.attrs]
    assert [("unsure" in r.text(), r.attrs.get("class")) for r in rows] == [
        (False, None), (False, None), (True, "low"), (False, None), (False, None)]


def test_hostile_transcript_text_stays_text():
    segments = timed([(HOSTILE_NAME, 0, 5, HOSTILE_SPEECH, "rapport"), ("Sam", 5, 9, "Fine & you? <b>bold</b>", "goals")])
    analysis = analysis_of(segments)
    tree = Tree(render_report(analysis)).root
    scripts = tree.all("script")
    assert sorted(s.attrs.get("id") or s.attrs.get("src") or "" for s in scripts) == [
        "/static/report.js", "analysis-json", "segments-csv"]
    assert tree.all("img") == [] and tree.all("b") == []
    rows = [r for r in tree.one(id="segments").all("tr") if "data-label" in r.attrs]
    assert HOSTILE_NAME in rows[0].text() and HOSTILE_SPEECH in rows[0].text() and "Fine & you? <b>bold</b>" in rows[1].text()
    assert [lane.attrs["data-speaker"] for lane in tree.one(id="timeline").all(class_="lane")] == [HOSTILE_NAME, "Sam"]
    embedded = tree.one(id="analysis-json").text()
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    assert Analysis.model_validate_json(embedded) == analysis
    assert json.loads(tree.one(id="segments-csv").text()) == segments_csv(analysis)


def test_upload_form_escapes_the_error_and_keeps_the_fields():
    tree = Tree(render_upload(error=f"bad {HOSTILE_SPEECH}", format="srt", manager=HOSTILE_NAME)).root
    assert HOSTILE_SPEECH in tree.one(id="error").text() and tree.all("img") == []
    assert tree.one("input", id="manager").attrs["value"] == HOSTILE_NAME
    assert [o.attrs["value"] for o in tree.one(id="format").all("option") if "selected" in o.attrs] == ["srt"]
    form = tree.one("form")
    assert (form.attrs["action"], form.attrs["method"], form.attrs["enctype"]) == ("/report", "post", "multipart/form-data")


def test_csv_round_trips_through_the_csv_module():
    analysis = analysis_of(timed([*MEETING, (HOSTILE_NAME, 100, 101.5, 'a "quoted", comma\r\nline', "goals")]))
    rows = list(csv.DictReader(io.StringIO(segments_csv(analysis), newline="")))
    assert list(rows[0]) == ["index", "speaker", "start", "end", "label", "confidence", "text"]
    assert [(int(r["index"]), r["speaker"], float(r["start"]), float(r["end"]), r["label"], float(r["confidence"]), r["text"])
            for r in rows] == [(s.index, s.speaker, s.start, s.end, s.label, s.confidence, s.text) for s in analysis.segments]


def test_csv_cells_never_start_a_spreadsheet_formula():
    analysis = analysis_of(timed([("=cmd|' /C calc'!A0", 0, 2, "+1 for that, and -5% on price", "deal-status"),
                                  ("Sam", 2, 4, "@here fine", "rapport")]))
    rows = list(csv.DictReader(io.StringIO(segments_csv(analysis), newline="")))
    assert [(r["speaker"], r["text"]) for r in rows] == [
        ("'=cmd|' /C calc'!A0", "'+1 for that, and -5% on price"), ("Sam", "'@here fine")]


def test_untimed_meetings_use_word_positions_and_stored_links():
    analysis = analysis_of(untimed([(who, text, label) for who, _, _, text, label in MEETING]))
    tree = Tree(render_report(analysis, json_url="/v1/analyses/a1", csv_url="/v1/analyses/a1.csv")).root
    assert tree.one(id="download-json").attrs["href"] == "/v1/analyses/a1" and tree.all(id="analysis-json") == []
    assert tree.one(id="download-csv").attrs["href"] == "/v1/analyses/a1.csv" and tree.all(id="segments-csv") == []
    assert "0 words" in tree.one(id="timeline").text()
    assert svg.positions(analysis.segments, "words")[:2] == [(0.0, 6.0), (6.0, 13.0)]


def test_ticks_are_round_minutes_within_the_meeting():
    assert [t.text for t in svg.ticks(509.0, "time")] == ["0 min", "2 min", "4 min", "6 min", "8 min"]
    assert [t.text for t in svg.ticks(3600.0, "time")] == [f"{m} min" for m in range(0, 61, 10)]
    assert len(svg.ticks(20_000.0, "words")) <= svg.MAX_TICKS + 1


@pytest.mark.model
def test_report_of_a_real_analysis(nlp, classifier):
    analysis = analyze_one(Request(parse((DATA / "zoom.vtt").read_bytes())), nlp=nlp, classifier=classifier,
                           config=AnalysisConfig())
    tree = Tree(render_report(analysis)).root
    assert tree.one(id="headline").text() == headline(analysis.profile)
    assert len(tree.one(id="timeline").all("rect", class_="seg")) == len(analysis.segments)
    assert Analysis.model_validate_json(tree.one(id="analysis-json").text()) == analysis
