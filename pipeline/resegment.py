"""Labelled transcripts as uploads arrive: cut into recorder cues, then re-segmented by our own segmenter.

The corpus is written one topic-sized segment per line, but an upload is a stream of cues (Zoom: a few
words each; plain text: whole turns) that `pipeline.segment` regroups into its own, longer segments.
Training on these views teaches the classifier the segments it will really see, and evaluation scores
them. Each new segment takes the label of most of its words, as LABELS.md rules for mixed segments.
"""

import random
from collections import Counter
from collections.abc import Sequence

from spacy.language import Language

from models.corpus import LabelledTranscript
from models.encoding import SegmentInput
from pipeline.schemas import Transcript, Utterance
from pipeline.segment import segment


def as_cues(transcript: LabelledTranscript, cue_words: int) -> tuple[Transcript, list[str]]:
    """The transcript as cues of at most `cue_words` words (0: one cue per corpus segment), and each word's label."""
    utterances, labels, clock = [], [], 0.0
    for seg, label, seconds in zip(transcript.segments, transcript.labels, transcript.seconds, strict=True):
        words = seg.text.split()
        labels += [label] * len(words)
        size = cue_words or len(words)
        for i in range(0, len(words), size):
            chunk = words[i:i + size]
            length = seconds * len(chunk) / len(words)
            utterances.append(Utterance(speaker=seg.speaker, start=clock, end=clock + length, text=" ".join(chunk)))
            clock += length
    return Transcript(format="zoom-vtt", utterances=tuple(utterances)), labels


def resegmented(nlp: Language, transcript: LabelledTranscript, cue_words: int) -> LabelledTranscript:
    """The transcript re-cut by `pipeline.segment` from cues of `cue_words` words, labelled by word majority."""
    cues, word_labels = as_cues(transcript, cue_words)
    segments, labels, seconds, pos = [], [], [], 0
    for s in segment(nlp, [cues])[0]:
        n = len(s.text.split())
        segments.append(SegmentInput(s.speaker, s.text))
        labels.append(Counter(word_labels[pos:pos + n]).most_common(1)[0][0])
        seconds.append((s.end or 0.0) - (s.start or 0.0))
        pos += n
    return LabelledTranscript(id=transcript.id, style=transcript.style, segments=tuple(segments),
                              labels=tuple(labels), seconds=tuple(seconds))


def upload_views(nlp: Language, transcripts: Sequence[LabelledTranscript], per_transcript: int,
                 seed: int) -> dict[str, list[LabelledTranscript]]:
    """`per_transcript` re-segmented views of each transcript, cue sizes drawn from what recorders emit:
    short caption cues (5-16 words) most often, whole lines (a plain-text or Teams upload) sometimes."""
    rng = random.Random(seed)
    return {
        t.id: [resegmented(nlp, t, 0 if rng.random() < 0.25 else rng.randint(5, 16)) for _ in range(per_transcript)]
        for t in transcripts
    }
