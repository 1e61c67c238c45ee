from models.corpus import LabelledTranscript
from models.encoding import SegmentInput
from pipeline.resegment import as_cues, resegmented, upload_views

SEGMENTS = (
    ("Ana", "Hi Sam, how was the trip?", "rapport"),
    ("Sam", "Long but fun, the kids loved the lake.", "rapport"),
    ("Ana", "Good. So where are we with Acme? Is it still committed for the thirtieth of this month?", "deal-status"),
    ("Ana", "And legal has the redlines?", "deal-status"),
    ("Sam", "Yes.", "deal-status"),
    ("Ana", "When their CFO pushed on price, what did you ask him about the cost of doing nothing at all?", "coaching"),
)
TRANSCRIPT = LabelledTranscript(
    id="x", style="clean", segments=tuple(SegmentInput(s, t) for s, t, _ in SEGMENTS),
    labels=tuple(label for *_, label in SEGMENTS), seconds=tuple(len(t.split()) / 2.5 for _, t, _ in SEGMENTS),
)


def test_cues_keep_every_word_and_its_label():
    cues, labels = as_cues(TRANSCRIPT, 4)
    assert max(len(u.text.split()) for u in cues.utterances) == 4
    assert " ".join(u.text for u in cues.utterances) == " ".join(s.text for s in TRANSCRIPT.segments)
    assert labels[:6] == ["rapport"] * 6 and labels[-1] == "coaching"
    assert cues.utterances[-1].end is not None and abs(cues.utterances[-1].end - sum(TRANSCRIPT.seconds)) < 1e-6


def test_resegmented_view_merges_a_turn_and_labels_it_by_most_words(nlp):
    view = resegmented(nlp, TRANSCRIPT, 5)
    assert " ".join(s.text for s in view.segments) == " ".join(s.text for s in TRANSCRIPT.segments)
    ana = [i for i, s in enumerate(view.segments) if s.text.startswith("Good.")]
    assert ana and view.segments[ana[0]].text.endswith("redlines?")
    assert view.labels[ana[0]] == "deal-status"
    assert view.labels[-1] == "coaching" and len(view.labels) == len(view.segments) == len(view.seconds)


def test_upload_views_are_seeded(nlp):
    first = upload_views(nlp, [TRANSCRIPT], 3, seed=5)
    assert len(first["x"]) == 3
    assert first == upload_views(nlp, [TRANSCRIPT], 3, seed=5)
