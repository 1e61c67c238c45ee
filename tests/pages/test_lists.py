"""Sign-in, stored-1:1 list and trends pages without a browser: figures, wording rules, links and escaping."""

import datetime as dt
from itertools import pairwise
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from api.pages import svg
from api.pages.lists import CREEP_TIP, render_login, render_reports, render_trends, trend_headline
from api.pages.render import render_report
from api.routes.transcripts import AnalysisSummary
from models.labels import LABELS
from pipeline.trends import trend_rows
from tests.pages.test_render import MEETING, Node, Tree, analysis_of
from tests.utils.builders import timed

HOSTILE_SCRIPT = "<script>alert(1)</script>"
HOSTILE_IMG = '"><img src=x onerror=alert(1)>'
ODD_NAME = "Zoë & Co/?#=x"


def summary(id: str = "a1", manager: str | None = "Dana Ruiz", rep: str | None = "Sam Lee", day: int = 20,
            people: float = 0.42, flags: tuple[str, ...] = ("no-goals",), duration: float | None = 1500.0) -> AnalysisSummary:
    shares = {"deal-status": round(1 - people, 4), "coaching": 0.2, "goals": 0.0, "rapport": round(people - 0.2, 4)}
    return AnalysisSummary(id=id, manager=manager, rep=rep, meeting_date=dt.date(2026, 11, day),
                           created_at=dt.datetime(2026, 11, 21, 9), format="zoom-vtt", duration_seconds=duration,
                           people_share=people, shares=shares, flags=list(flags))


def week_rows(deals: list[float], people: list[float] | None = None, name: str = "Dana Ruiz") -> list[dict]:
    shares = people or [round(1 - d, 4) for d in deals]
    return [{"role": "manager", "name": name, "week": f"2026-W{40 + i:02d}", "meetings": 1 + i % 2, "share_deal-status": d,
             "share_coaching": round(p * 0.5, 4), "share_goals": round(p * 0.2, 4), "share_rapport": round(p * 0.3, 4),
             "people_share": p, "deal_review_creep": False} for i, (d, p) in enumerate(zip(deals, shares, strict=True))]


def scripts_and_images(tree: Node) -> tuple[list[str], list[Node]]:
    return [s.attrs.get("src") or s.attrs.get("id") or "" for s in tree.all("script")], tree.all("img")


def test_login_form_posts_the_key_and_where_to_go_next():
    tree = Tree(render_login(next_url="/trends?role=rep&name=Sam")).root
    form = tree.one("form", id="login")
    assert (form.attrs["action"], form.attrs["method"]) == ("/login", "post")
    key = form.one("input", name="api_key")
    assert key.attrs["type"] == "password" and form.one("label", for_="api_key").text() == "API key"
    assert form.one("input", name="next").attrs == {"type": "hidden", "name": "next", "value": "/trends?role=rep&name=Sam"}
    assert form.one("button").attrs["type"] == "submit"
    hint = " ".join(form.text().split())
    assert "python -m scripts.keys create --org <name>" in hint and "make serve" in hint and "data/dev-api-key" in hint
    assert tree.all(id="error") == []


def test_login_error_is_an_alert_and_stays_text():
    tree = Tree(render_login(error=f"Unknown key {HOSTILE_SCRIPT}", next_url=HOSTILE_IMG)).root
    error = tree.one(id="error")
    assert error.attrs["role"] == "alert" and error.text() == f"Unknown key {HOSTILE_SCRIPT}"
    assert tree.one("input", name="next").attrs["value"] == HOSTILE_IMG
    assert scripts_and_images(tree) == (["/static/report.js"], [])


def test_reports_show_each_summarys_figures_in_the_order_given():
    given = [summary("b2", day=20, people=0.42, flags=("no-goals", "manager-talks-most", "brand-new")),
             summary("a1", manager="Nomvula Dlamini", rep="Jake", day=13, people=0.7, flags=(), duration=None)]
    tree = Tree(render_reports(given, org="acme")).root
    rows = [tr for tr in tree.one(id="reports").all("tr") if "data-id" in tr.attrs]
    assert [tr.attrs["data-id"] for tr in rows] == ["b2", "a1"]
    assert [tr.one("a", class_="report-link").attrs["href"] for tr in rows] == ["/reports/b2", "/reports/a1"]
    assert [tr.one("a", class_="report-link").text() for tr in rows] == ["2026-11-20", "2026-11-13"]
    cells = [{td.attrs["data-th"]: " ".join((td.all("strong") or [td])[0].text().split()) for td in tr.all("td")} for tr in rows]
    assert cells[0] == {"Manager": "Dana Ruiz", "Rep": "Sam Lee", "Length": "25:00", "Format": "zoom-vtt",
                        "People share": "42%", "Flags": "no goals manager talked most brand new"}
    assert (cells[1]["Length"], cells[1]["People share"], cells[1]["Flags"]) == ("no timings", "70%", "none")
    for tr, s in zip(rows, given, strict=True):
        assert float(tr.one("td", data_th="People share").attrs["data-people-share"] or 0) == s.people_share
        bar = {r.attrs["data-label"]: float(r.attrs["data-share"] or 0) for r in tr.all("rect")}
        assert bar == {k: v for k, v in s.shares.items() if v > 0}
        assert [c.attrs["data-code"] for c in tr.all("span", class_="flag-chip")] == s.flags
    assert "acme" in tree.one("main").text()


def test_reports_link_names_url_encoded_and_hostile_names_stay_text():
    given = [summary("x/1?y", manager=HOSTILE_SCRIPT, rep=HOSTILE_IMG), summary("a2", manager=ODD_NAME, rep=None)]
    tree = Tree(render_reports(given, org=HOSTILE_IMG, manager=HOSTILE_SCRIPT)).root
    assert scripts_and_images(tree) == (["/static/report.js"], [])
    people = tree.one(id="reports").all("a", class_="person")
    assert [a.text() for a in people] == [HOSTILE_SCRIPT, HOSTILE_IMG, ODD_NAME]
    assert [a.attrs["href"] for a in people] == [f"/trends?role=manager&name={quote(HOSTILE_SCRIPT, safe='')}",
                                                 f"/trends?role=rep&name={quote(HOSTILE_IMG, safe='')}",
                                                 f"/trends?role=manager&name={quote(ODD_NAME, safe='')}"]
    query = parse_qs(urlsplit(people[2].attrs["href"] or "").query)
    assert query == {"role": ["manager"], "name": [ODD_NAME]}
    assert tree.all("a", class_="report-link")[0].attrs["href"] == "/reports/x%2F1%3Fy"
    assert tree.one("input", name="manager").attrs["value"] == HOSTILE_SCRIPT


def test_reports_filter_form_nav_and_logout():
    tree = Tree(render_reports([summary()], org="acme", manager="Dana Ruiz", rep=None)).root
    form = tree.one("form", id="filter")
    assert (form.attrs["action"], form.attrs["method"]) == ("/reports", "get")
    assert {i.attrs["name"]: i.attrs["value"] for i in form.all("input")} == {"manager": "Dana Ruiz", "rep": ""}
    nav = tree.one("nav")
    assert [(a.text(), a.attrs["href"]) for a in nav.all("a")] == [("Upload", "/")]
    logout = nav.one("form")
    assert (logout.attrs["action"], logout.attrs["method"], logout.one("button").text()) == ("/logout", "post", "Log out")


@pytest.mark.parametrize(("manager", "wording"), [(None, "No stored 1:1s for acme yet"), ("Dana", "match this filter")])
def test_reports_empty_state(manager, wording):
    tree = Tree(render_reports([], org="acme", manager=manager)).root
    assert wording in tree.one(id="empty").text() and tree.all(id="reports") == []


@pytest.mark.parametrize(("rows", "window", "sentence"), [
    (week_rows([0.30, 0.30, 0.60, 0.64]), 2,
     "Deal status rose from 30% to 62% of Dana Ruiz's 1:1s over 4 weeks: deal-review creep."),
    (week_rows([0.30, 0.32, 0.36, 0.38]), 2,
     "Deal status rose from 31% to 37% of Dana Ruiz's 1:1s over 4 weeks, under the 10-point creep line."),
    (week_rows([0.30, 0.30, 0.60, 0.60]), 3,
     "Deal status rose from 30% to 60% of Dana Ruiz's 1:1s over 4 weeks; too few weeks yet to call it creep."),
    (week_rows([0.42, 0.41, 0.42, 0.42]), 2, "People share held at 58% over 4 weeks."),
    (week_rows([0.60, 0.60, 0.40, 0.40]), 2, "People share rose from 40% to 60% over 4 weeks."),
    (week_rows([0.30, 0.30, 0.30, 0.30], [0.7, 0.7, 0.5, 0.5]), 2, "People share fell from 70% to 50% over 4 weeks."),
    (week_rows([0.42]), 3, "One week so far (2026-W40): 58% of Dana Ruiz's 1:1s went to the person, 42% to deal status."),
    ([], 3, "No dated 1:1s for Dana Ruiz yet."),
])
def test_trend_headline_follows_the_documented_rules(rows, window, sentence):
    assert trend_headline(rows, name="Dana Ruiz", window=window, creep_pp=10) == sentence
    assert Tree(render_trends(rows, role="manager", name="Dana Ruiz", window=window, creep_pp=10)).root.one(
        id="headline").text() == sentence


def analysis_dict(date: str, deal: float, name: str = "Dana Ruiz") -> dict:
    shares = {"deal-status": deal, "coaching": round((1 - deal) / 2, 4), "goals": 0.0, "rapport": round((1 - deal) / 2, 4)}
    return {"date": date, "speakers": [{"role": "manager", "name": name}, {"role": "rep", "name": "Sam"}],
            "profile": {"people_share": round(1 - deal, 4), "labels": {k: {"share": v} for k, v in shares.items()}}}


def test_trends_page_shows_trend_rows_figures_and_the_creep_flag():
    dates = ["2026-10-05", "2026-10-12", "2026-10-14", "2026-10-19", "2026-10-26"]
    rows = [r for r in trend_rows([analysis_dict(d, x) for d, x in zip(dates, [0.2, 0.3, 0.5, 0.6, 0.7], strict=True)], 2, 10)
            if r["role"] == "manager"]
    tree = Tree(render_trends(rows, role="manager", name="Dana Ruiz", window=2, creep_pp=10)).root
    shown = [tr for tr in tree.one(id="weeks").all("tr") if "data-week" in tr.attrs]
    assert [tr.one("th").text() for tr in shown] == [r["week"] for r in rows] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    assert [tr.one("td", data_th="1:1s").text() for tr in shown] == ["1", "2", "1", "1"]
    for tr, row in zip(shown, rows, strict=True):
        assert {td.attrs["data-label"]: (float(td.attrs["data-share"] or 0), td.text()) for td in tr.all("td", class_="num")
                if "data-label" in td.attrs} == {k: (row[f"share_{k}"], svg.percent(row[f"share_{k}"])) for k in LABELS}
    people = {td.attrs["data-week"]: float(td.attrs["data-people-share"] or 0) for td in tree.all("td", class_="num people")}
    assert people == {r["week"]: r["people_share"] for r in rows} == {
        "2026-W41": 0.8, "2026-W42": 0.6, "2026-W43": 0.4, "2026-W44": 0.3}
    note = tree.one(id="creep")
    assert rows[0]["deal_review_creep"] and note.attrs["data-state"] == "creep"
    assert "Deal-review creep" in note.text() and "65%" in note.text() and CREEP_TIP in note.text()
    lines = {p.attrs["data-series"]: p for p in tree.all("polyline")}
    assert list(lines) == [*LABELS, svg.PEOPLE_SERIES]
    assert all(len((p.attrs["points"] or "").split()) == 4 for p in lines.values())
    assert [t.text() for t in tree.all("text", class_="end-label")] == ["deal status", "coaching", "goals", "rapport"]
    assert tree.one("text", class_="end-label people").text() == "people share"


@pytest.mark.parametrize(("deals", "state", "words"), [
    ([0.30, 0.32, 0.35, 0.33], "clear", "No deal-review creep"),
    ([0.30, 0.60], "too-few", "needs 4 weeks with 1:1s, and Dana Ruiz has 2 weeks"),
])
def test_creep_note_when_not_flagged_has_no_tip(deals, state, words):
    note = Tree(render_trends(week_rows(deals), role="manager", name="Dana Ruiz", window=2, creep_pp=10)).root.one(id="creep")
    assert note.attrs["data-state"] == state and words in note.text() and "Next 1:1" not in note.text()


def test_trends_hostile_name_stays_text():
    page = render_trends(week_rows([0.3, 0.6], name=HOSTILE_IMG), role="rep", name=HOSTILE_IMG, window=1, creep_pp=10)
    tree = Tree(page).root
    assert scripts_and_images(tree) == (["/static/report.js"], [])
    assert HOSTILE_IMG in tree.one(id="headline").text() and HOSTILE_IMG in tree.one(id="creep").text()
    empty = Tree(render_trends([], role="rep", name=HOSTILE_SCRIPT, window=3, creep_pp=10)).root
    assert scripts_and_images(empty) == (["/static/report.js"], [])
    assert HOSTILE_SCRIPT in empty.one(id="headline").text()


def test_trends_empty_state():
    tree = Tree(render_trends([], role="rep", name="Sam", window=3, creep_pp=10)).root
    assert "meeting date" in tree.one(id="empty").text()
    assert tree.all(id="weeks") == [] and tree.all(id="creep") == [] and tree.all("svg") == []


def test_trend_chart_scales_escapes_and_titles_every_point():
    weeks = ["2026-W01", HOSTILE_SCRIPT]
    chart = Tree(svg.trend_chart(weeks, {"coaching": [0.0, 1.0], svg.PEOPLE_SERIES: [0.5, 0.5], HOSTILE_IMG: [0.2, 0.1]})).root
    assert chart.all("script") == [] and chart.all("img") == []
    lines = {p.attrs["data-series"]: p for p in chart.all("polyline")}
    assert list(lines) == ["coaching", HOSTILE_IMG, svg.PEOPLE_SERIES]
    ys = [float(point.split(",")[1]) for point in (lines["coaching"].attrs["points"] or "").split()]
    assert ys == [svg.CHART_HEIGHT - svg.CHART_BOTTOM, svg.CHART_TOP]
    assert float(lines[svg.PEOPLE_SERIES].attrs["stroke-width"] or 0) > float(lines["coaching"].attrs["stroke-width"] or 0)
    assert lines["coaching"].attrs["stroke"] == svg.fill("coaching")
    titles = [t.text() for t in chart.all("title")]
    assert len(titles) == 6 and f"coaching, {HOSTILE_SCRIPT}: 100%" in titles
    assert [t.text() for t in chart.all("text", class_="axis-label week")] == weeks


def test_spread_keeps_end_labels_apart_and_inside():
    placed = svg.spread([100.0, 101.0, 102.0, 250.0], 18, 10, 260)
    assert sorted(placed) == placed and all(b - a >= 18 for a, b in pairwise(placed))
    assert svg.spread([259.0, 260.0], 18, 10, 260) == [242.0, 260.0]


def test_report_share_and_back_options_default_to_off():
    analysis = analysis_of(timed(MEETING))
    plain = Tree(render_report(analysis)).root
    assert plain.all(id="share") == [] and plain.all(id="share-link") == []
    assert [a.text() for a in plain.one("header").all("a")] == ["1:1 balance", "Analyse another 1:1"]
    tree = Tree(render_report(analysis, share_action="/reports/a1/share", share_link=f"https://x.test/s/{HOSTILE_IMG}",
                              back_url="/reports?rep=Sam")).root
    form = tree.one("form", id="share")
    assert (form.attrs["action"], form.attrs["method"]) == ("/reports/a1/share", "post")
    assert form.one("button").text() == "Create share link (valid 7 days)"
    link = tree.one("input", id="share-link")
    assert link.attrs["value"] == f"https://x.test/s/{HOSTILE_IMG}" and "readonly" in link.attrs
    assert "Anyone with the link can view this report until it expires." in link.parent.text()  # type: ignore[union-attr]
    back = tree.one("a", class_="back")
    assert (back.attrs["href"], back.text()) == ("/reports?rep=Sam", "All reports")
    assert tree.all("img") == []
