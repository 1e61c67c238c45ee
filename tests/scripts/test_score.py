import json
import shutil

import pytest
import typer
from typer.testing import CliRunner

from models import corpus
from pipeline.schemas import Utterance
from scripts.score import app, expand, meeting_date
from tests.conftest import DATA
from tests.utils.render import FORMATS, render

runner = CliRunner()
pytestmark = pytest.mark.model


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
def folder(tmp_path):
    src = tmp_path / "in"
    (src / "nested").mkdir(parents=True)
    for name in ("zoom.vtt", "teams.vtt", "sample.srt", "gong.json"):
        shutil.copy(DATA / name, src / f"2026-11-0{len(list(src.iterdir()))}-{name}")
    shutil.copy(DATA / "otter.txt", src / "nested" / "otter.txt")
    (src / "nested" / "broken.vtt").write_bytes(b"WEBVTT\n\n00:00:0x.000 --> 00:00:01.000\nA: hi\n")
    return src


def test_scores_a_folder_records_failures_and_resumes(folder, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, [str(folder), "--out", str(out)])
    assert result.exit_code == 1, result.output
    rows = _lines(out / "analyses.jsonl")
    assert len(rows) == 5 and all(r["source"].startswith(str(folder)) for r in rows)
    assert {"id", "format", "segments", "speakers", "profile", "model"} <= rows[0].keys()
    errors = _lines(out / "errors.jsonl")
    assert len(errors) == 1 and "broken.vtt" in errors[0]["source"] and "TimestampError" in errors[0]["error"]
    summary = (out / "summary.csv").read_text().splitlines()
    assert len(summary) == 6 and "share_deal-status" in summary[0] and "people_share" in summary[0]

    again = runner.invoke(app, [str(folder), "--out", str(out), "--no-retry-errors"])
    assert again.exit_code == 0 and "0 to score, 6 already done" in again.output
    assert len(_lines(out / "analyses.jsonl")) == 5


def test_a_torn_last_line_is_dropped_and_rescored(folder, tmp_path):
    out = tmp_path / "out"
    (folder / "nested" / "broken.vtt").unlink()
    runner.invoke(app, [str(folder), "--out", str(out)])
    data = (out / "analyses.jsonl").read_bytes()
    lines = data.splitlines(keepends=True)
    (out / "analyses.jsonl").write_bytes(b"".join(lines[:-1]) + lines[-1][:40])
    result = runner.invoke(app, [str(folder), "--out", str(out), "--parquet"])
    assert result.exit_code == 0 and "1 to score" in result.output
    rows = _lines(out / "analyses.jsonl")
    assert len(rows) == 5 and len({r["source"] for r in rows}) == 5
    assert (out / "summary.parquet").exists()


def test_inputs_dates_and_missing_paths(folder):
    files = expand([str(folder / "*.vtt"), str(folder / "nested")])
    assert [p.name for p in files] == ["2026-11-01-zoom.vtt", "2026-11-02-teams.vtt", "broken.vtt", "otter.txt"]
    assert [meeting_date(p) for p in files] == ["2026-11-01", "2026-11-02", None, None]
    with pytest.raises(typer.BadParameter, match="no such file"):
        expand([str(folder / "nope")])
    assert runner.invoke(app, [str(folder / "nope"), "--out", str(folder / "o")]).exit_code == 2


def _twenty(tmp_path):
    src = tmp_path / "twenty"
    src.mkdir()
    for n, t in enumerate(corpus.load()[:20]):
        clock, utts = 0.0, []
        for seg in t.segments:
            utts.append(Utterance(speaker=seg.speaker, start=clock, end=clock + len(seg.text.split()) / 2.6, text=seg.text))
            clock = utts[-1].end + 0.3
        fmt = FORMATS[n % len(FORMATS)]
        suffix = {"gong-json": ".json", "segments-json": ".json", "text": ".txt", "srt": ".srt"}.get(fmt, ".vtt")
        (src / f"{t.id}{suffix}").write_bytes(render(fmt, utts))
    return src


@pytest.mark.ray
def test_ray_engine_matches_local_engine(tmp_path):
    src = _twenty(tmp_path)
    local = runner.invoke(app, [str(src), "--out", str(tmp_path / "local")])
    ray = runner.invoke(app, [str(src), "--out", str(tmp_path / "ray"), "--engine", "ray", "--actors", "2",
                              "--batch-size", "4"])
    assert local.exit_code == 0 and ray.exit_code == 0, ray.output
    by_source = {r["source"]: r for r in _lines(tmp_path / "local" / "analyses.jsonl")}
    ray_rows = _lines(tmp_path / "ray" / "analyses.jsonl")
    assert len(ray_rows) == len(by_source) == 20
    for row in ray_rows:
        mine = by_source[row["source"]]
        assert [s["label"] for s in row["segments"]] == [s["label"] for s in mine["segments"]]
        for label, stats in row["profile"]["labels"].items():
            assert stats["share"] == pytest.approx(mine["profile"]["labels"][label]["share"], abs=1e-3)
