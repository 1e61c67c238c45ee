import json

from typer.testing import CliRunner

from models import corpus
from scripts.corpus import app

runner = CliRunner()
HEAD = "id: {id}\nscenario: pet insurance; coach manager; new hire\nstyle: clean\nmanager: Ana Ruiz\nrep: Bo Lind\n---\n"


def _write(folder, name, body):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name.split('-')[1]}.txt").write_text(HEAD.format(id=name) + body)


def _run(tmp_path, *folders, append=False):
    args = ["import-txt", *map(str, folders), "--corpus-dir", str(tmp_path / "corpus"),
            "--splits-path", str(tmp_path / "splits.json"), "--test-per-slice", "1", "--dev-per-slice", "1"]
    return runner.invoke(app, [*args, "--append"] if append else args)


def test_append_keeps_existing_splits_and_dedupes_against_the_corpus(tmp_path):
    shared = "R deal-status: Northwind signed the order form for forty seats on Friday.\n"
    for n in range(1, 4):
        _write(tmp_path / "s1", f"s1-t0{n}", f"M rapport: Morning, meeting {n}.\n" + (shared if n == 1 else ""))
    assert _run(tmp_path, tmp_path / "s1").exit_code == 0
    before = json.loads((tmp_path / "splits.json").read_text())
    for n in range(1, 4):
        _write(tmp_path / "s2", f"s2-t0{n}", f"M coaching: What did you ask first on call {n}?\n" + shared)
    result = _run(tmp_path, tmp_path / "s2", append=True)
    assert result.exit_code == 0, result.output
    after = json.loads((tmp_path / "splits.json").read_text())
    assert all(set(before[k]) <= set(after[k]) for k in before)
    assert sorted(len([i for i in after[k] if i.startswith("s2")]) for k in after) == [1, 1, 1]
    rows = corpus.rows(tmp_path / "corpus")
    assert [r["id"] for r in rows[:3]] == ["s1-t01", "s1-t02", "s1-t03"]
    assert [len(r["segments"]) for r in rows[3:]] == [1, 1, 1]
    assert "3 duplicates dropped" in result.output


def test_append_refuses_ids_already_in_the_corpus(tmp_path):
    _write(tmp_path / "s1", "s1-t01", "M rapport: Hi there.\n")
    assert _run(tmp_path, tmp_path / "s1").exit_code == 0
    result = _run(tmp_path, tmp_path / "s1", append=True)
    assert result.exit_code != 0
    assert "s1-t01" in result.output
