import json

from typer.testing import CliRunner

from pipeline.trends import creep, trend_rows
from scripts.trends import app

runner = CliRunner()


def analysis(date, deal, manager="Dana", rep="Sam"):
    rest = (1 - deal) / 3
    labels = {"deal-status": deal, "coaching": rest, "goals": rest, "rapport": rest}
    return {"date": date, "speakers": [{"name": manager, "role": "manager"}, {"name": rep, "role": "rep"}],
            "profile": {"labels": {k: {"share": v} for k, v in labels.items()}, "people_share": 1 - deal}}


def test_creep_compares_the_ends():
    assert creep([0.3, 0.3, 0.3, 0.5, 0.5, 0.5], 3, 10)
    assert not creep([0.3, 0.3, 0.3, 0.35, 0.35, 0.35], 3, 10)
    assert not creep([0.3, 0.9], 3, 10)


def test_weekly_rows_and_flag(tmp_path):
    rows = [analysis(f"2026-10-{day:02d}", 0.3 + 0.05 * n) for n, day in enumerate((5, 12, 19, 26))]
    rows += [analysis("2026-11-02", 0.7), analysis("2026-11-03", 0.6), analysis(None, 0.9)]
    table = trend_rows(rows, window=2, creep_pp=10)
    dana = [r for r in table if r["name"] == "Dana"]
    assert [r["week"] for r in dana] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44", "2026-W45"]
    assert dana[-1]["meetings"] == 2 and dana[-1]["share_deal-status"] == 0.65
    assert all(r["deal_review_creep"] for r in table)

    path = tmp_path / "analyses.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    result = runner.invoke(app, [str(path), "--out", str(tmp_path / "t.csv"), "--window", "2"])
    assert result.exit_code == 0 and "YES" in result.output and "1 analyses had no date" in result.output
    assert len((tmp_path / "t.csv").read_text().splitlines()) == 11
