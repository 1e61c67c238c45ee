import itertools

import pytest

from pipeline.ingest import parse
from pipeline.schemas import Transcript, Utterance
from pipeline.segment import SegmentConfig, segment
from tests.conftest import DATA

RUN_ON = ("so um the acme renewal is still at stage three and legal wants the redlines back by friday but "
          "procurement keeps asking for another discount okay so anyway on the coaching side i have been "
          "trying the thing you said about leading with the business problem and honestly it works um i "
          "asked the cfo what happens if they do nothing and he went quiet for like ten seconds and then "
          "he told me the whole story about the audit finding and the board and so now i know why they "
          "care and i can tie our numbers to that instead of just the feature list yeah and the other "
          "thing is the weekend was great we took the kids to the lake and the dog fell in")


def test_zoom_cues_of_one_speaker_merge_into_turns(nlp):
    segments = segment(nlp, [parse((DATA / "zoom.vtt").read_bytes())])[0]
    assert [s.speaker for s in segments] == ["Dana Ruiz", "Sam Lee", "Dana Ruiz", "Sam Lee", "Dana Ruiz"]
    assert segments[2].text == "Long, but good. So, where are we with Acme? Is it still committed for the 30th?"
    assert (segments[2].start, segments[2].end) == (6.4, 11.2)


def test_asr_run_on_is_cut_into_bounded_segments(nlp):
    words = RUN_ON.split()
    transcript = Transcript(format="text", utterances=(Utterance(speaker="Sam", start=0.0, end=60.0, text=RUN_ON),))
    config = SegmentConfig()
    segments = segment(nlp, [transcript], config)[0]
    assert len(segments) >= 3
    assert all(len(s.text.split()) <= config.max_words for s in segments)
    assert " ".join(s.text for s in segments).split() == words
    assert segments[0].start == 0.0 and segments[-1].end == pytest.approx(60.0)
    assert all(a.end <= b.start + 1e-6 for a, b in itertools.pairwise(segments))
    assert any(s.text.split()[0] in {"so", "okay", "and", "yeah", "um"} for s in segments[1:])


def test_pause_between_cues_is_preferred_cut(nlp):
    first, second = RUN_ON.split()[:40], RUN_ON.split()[40:80]
    transcript = Transcript(format="vtt", utterances=(
        Utterance(speaker="Sam", start=0.0, end=12.0, text=" ".join(first)),
        Utterance(speaker="Sam", start=14.0, end=26.0, text=" ".join(second)),
    ))
    segments = segment(nlp, [transcript])[0]
    assert segments[0].text.split() == first


def test_short_turn_stays_whole(nlp):
    transcript = Transcript(format="text", utterances=(Utterance(speaker="A", text="Yeah. Right. Okay so."),))
    assert [s.text for s in segment(nlp, [transcript])[0]] == ["Yeah. Right. Okay so."]


def test_long_punctuated_turn_splits_at_sentences(nlp):
    text = " ".join(f"This is sentence number {n} and it has some words in it." for n in range(12))
    transcript = Transcript(format="text", utterances=(Utterance(speaker="A", text=text),))
    segments = segment(nlp, [transcript])[0]
    assert len(segments) > 1
    assert all(s.text.endswith(".") for s in segments)


def test_bad_segment_config_is_refused():
    with pytest.raises(ValueError):
        SegmentConfig(min_words=50, target_words=20)
