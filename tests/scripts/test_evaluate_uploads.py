import random

import pytest

from models import corpus
from models.labels import LABEL_TO_ID
from pipeline.ingest import parse
from scripts.evaluate_uploads import FRESH_DIR, RENDERERS, aligned, gold_words, report

ROW = corpus.rows()[0]
WORDS = [w for s in ROW["segments"] for w in s["text"].split()]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_each_rendering_is_read_back_as_its_format_with_every_word_and_speaker(fmt):
    for seed in range(3):
        _, data = RENDERERS[fmt](ROW, random.Random(seed))
        transcript = parse(data)
        assert transcript.format == fmt
        assert " ".join(u.text for u in transcript.utterances).split() == WORDS
        assert {u.speaker for u in transcript.utterances} == {ROW["manager"], ROW["rep"]}
        starts = [u.start for u in transcript.utterances if u.start is not None]
        assert starts and starts == sorted(starts)


def test_alignment_survives_a_word_the_ingest_changed():
    tokens = ["so", "the", "deal", "closed", "today"]
    response = {"segments": [{"text": "so the", "label": "deal-status"},
                             {"text": "deal closed.", "label": "coaching"}, {"text": "today", "label": "goals"}]}
    assert aligned(tokens, response) == [0, 0, 1, 1, 2]


def test_report_scores_words_and_word_shares():
    gold = [gold_words(ROW)]
    perfect = report(gold, gold)
    assert perfect["macro_f1"] == pytest.approx(1.0) and perfect["share_error_pp"] == 0.0
    wrong = [[LABEL_TO_ID["rapport"]] * len(gold[0])]
    assert report(gold, wrong)["share_error_pp"] > 10


def test_the_fresh_check_set_shares_no_transcript_or_long_line_with_the_corpus():
    fresh = corpus.rows(FRESH_DIR)
    assert len(fresh) >= 24 and {r["style"] for r in fresh} == {"asr", "clean"}
    rows = corpus.rows()
    known = {r["id"] for r in rows}
    lines = {" ".join(s["text"].lower().split()) for r in rows for s in r["segments"] if len(s["text"].split()) >= 10}
    assert not known & {r["id"] for r in fresh}
    assert not lines & {" ".join(s["text"].lower().split()) for r in fresh for s in r["segments"]}
