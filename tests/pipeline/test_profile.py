import pytest

from pipeline.profile import ProfileConfig, build_profile, monologues, timeline
from pipeline.roles import count_questions
from tests.utils.builders import timed, untimed

ROLES = {"Dana": ("manager", "request"), "Sam": ("rep", "request")}
CONFIG = ProfileConfig()

# 100 s meeting: deal 60 s, coaching 20 s, goals 0, rapport 20 s.
MEETING = timed([
    ("Dana", 0, 10, "Hi Sam, how was the weekend?", "rapport"),
    ("Sam", 10, 20, "Great, we went hiking with the kids.", "rapport"),
    ("Dana", 20, 50, "Where are we with Acme? Is it still committed for the 30th?", "deal-status"),
    ("Sam", 50, 80, "Legal has the redlines and procurement wants another five percent off.", "deal-status"),
    ("Dana", 80, 100, "When they asked for the discount, what did you trade for it?", "coaching"),
])


def test_label_shares_and_seconds_are_hand_computed():
    profile, _ = build_profile(MEETING, ROLES, CONFIG)
    assert profile.basis == "time"
    assert {k: v.share for k, v in profile.labels.items()} == {
        "deal-status": 0.6, "coaching": 0.2, "goals": 0.0, "rapport": 0.2}
    assert profile.labels["deal-status"].seconds == 60.0
    assert profile.labels["deal-status"].segments == 2
    assert profile.labels["deal-status"].words == 12 + 11
    assert profile.people_share == 0.4
    assert sum(v.share for v in profile.labels.values()) == pytest.approx(1.0)


def test_speaker_stats_are_hand_computed():
    _, speakers = build_profile(MEETING, ROLES, CONFIG)
    dana, sam = speakers
    assert (dana.role, dana.role_source) == ("manager", "request")
    assert dana.talk_seconds == 60.0 and dana.talk_share == 0.6
    assert sam.talk_seconds == 40.0 and sam.talk_share == 0.4
    assert dana.questions == 4 and sam.questions == 0
    assert dana.words == 6 + 12 + 12
    assert dana.words_per_minute == pytest.approx(30.0)
    assert dana.labels == {"deal-status": 0.5, "coaching": 0.3333, "goals": 0.0, "rapport": 0.1667}
    assert dana.longest_monologue_seconds == 30.0


def test_talk_ratio_and_flags():
    profile, _ = build_profile(MEETING, ROLES, CONFIG)
    assert profile.talk_ratio == pytest.approx(1.5)
    codes = {f.code for f in profile.flags}
    assert codes == {"no-goals"}
    strict = ProfileConfig(deal_dominated=0.5, manager_talk=0.55)
    profile, _ = build_profile(MEETING, ROLES, strict)
    assert {f.code for f in profile.flags} == {"no-goals", "deal-dominated", "manager-talks-most"}
    assert "60%" in next(f.message for f in profile.flags if f.code == "deal-dominated")


def test_manager_monologue_flag_ignores_backchannels():
    rows = timed([
        ("Dana", 0, 70, "long story " * 50, "coaching"),
        ("Sam", 70, 71, "mm-hmm", "coaching"),
        ("Dana", 71, 150, "more story " * 50, "coaching"),
        ("Sam", 150, 170, "That makes sense, I will try it on the Acme call tomorrow.", "coaching"),
    ])
    assert monologues(rows, CONFIG)[0] == ("Dana", 0, 2)
    profile, speakers = build_profile(rows, ROLES, CONFIG)
    assert speakers[0].longest_monologue_seconds == 150.0
    assert "manager-monologue" in {f.code for f in profile.flags}


def test_untimed_transcripts_use_words_as_basis():
    rows = untimed([
        ("Dana", "one two three four", "deal-status"),
        ("Sam", "one two three four five six", "goals"),
    ])
    profile, speakers = build_profile(rows, ROLES, CONFIG)
    assert profile.basis == "words"
    assert profile.labels["goals"].share == 0.6 and profile.labels["goals"].seconds is None
    assert speakers[1].talk_seconds is None and speakers[1].talk_share == 0.6
    assert [w.start for w in profile.timeline] == [0.0]


def test_timeline_splits_segments_across_windows():
    rows = timed([("Dana", 0, 240, "a", "deal-status"), ("Sam", 240, 420, "b", "goals")])
    windows = timeline(rows, ProfileConfig(window_seconds=300))
    assert [(w.start, w.end) for w in windows] == [(0, 300), (300, 600)]
    assert windows[0].labels["deal-status"] == 0.8 and windows[0].labels["goals"] == 0.2
    assert windows[1].labels["goals"] == 1.0


def test_unlabelled_segments_are_refused():
    rows = timed([("Dana", 0, 1, "hi", "rapport")])
    with pytest.raises(ValueError, match="no label"):
        build_profile([rows[0].model_copy(update={"label": None})], ROLES, CONFIG)


@pytest.mark.parametrize(("text", "count"), [
    ("Where are we with Acme? Is it committed?", 2),
    ("so what did the cfo say about pricing", 1),
    ("we closed it last week", 0),
    ("Sure. Sounds good.", 0),
])
def test_questions_count_marks_or_asr_openers(text, count):
    assert count_questions(text) == count


def test_bad_config_is_refused():
    with pytest.raises(ValueError):
        ProfileConfig(deal_dominated=1.5)
