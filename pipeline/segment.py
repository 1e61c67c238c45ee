"""Turns into topic-sized segments with spaCy, keeping every word verbatim and in order.

A turn is one speaker's consecutive cues. Short turns stay whole. Long turns are cut at spaCy sentence
boundaries and regrouped to about `target_words`; a run-on with no punctuation (raw ASR) is cut at the
best point in a bounded window: a pause between cues first, then a discourse marker ("so", "okay").
Times are interpolated by word position within each cue.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import spacy
from spacy.language import Language

from pipeline.schemas import Segment, Transcript

_MARKERS = {"so": 3.0, "okay": 3.0, "ok": 3.0, "alright": 3.0, "anyway": 3.0, "now": 1.5, "but": 1.5,
            "and": 1.0, "um": 1.0, "uh": 1.0, "because": 1.0, "yeah": 1.5, "right": 1.0}


@dataclass(frozen=True)
class SegmentConfig:
    """How long a segment may grow; checked once so a bad value fails at start-up, not mid-request."""

    target_words: int = 35
    min_words: int = 12
    max_words: int = 60
    max_sentences: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.min_words <= self.target_words <= self.max_words:
            raise ValueError("SegmentConfig needs 0 < min_words <= target_words <= max_words")
        if self.max_sentences < 1:
            raise ValueError("SegmentConfig.max_sentences must be at least 1")


@dataclass
class _Turn:
    speaker: str
    words: list[str]
    starts: list[float | None]
    ends: list[float | None]
    gaps: dict[int, float]


def load_nlp() -> Language:
    """A blank English pipeline with the rule-based sentencizer: fast, and needs no downloaded model."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _turns(transcript: Transcript) -> list[_Turn]:
    turns: list[_Turn] = []
    for u in transcript.utterances:
        words = u.text.split()
        if not turns or turns[-1].speaker != u.speaker:
            turns.append(_Turn(u.speaker, [], [], [], {}))
        turn = turns[-1]
        prev_end = turn.ends[-1] if turn.ends else None
        if turn.words and prev_end is not None and u.start is not None:
            turn.gaps[len(turn.words)] = max(0.0, u.start - prev_end)
        elif turn.words:
            turn.gaps[len(turn.words)] = 0.0
        for i in range(len(words)):
            if u.start is None or u.end is None:
                turn.starts.append(None)
                turn.ends.append(None)
            else:
                step = (u.end - u.start) / len(words)
                turn.starts.append(u.start + step * i)
                turn.ends.append(u.start + step * (i + 1))
        turn.words.extend(words)
    return turns


def _sentence_starts(nlp: Language, turns: list[_Turn], config: SegmentConfig) -> list[list[int] | None]:
    """Word indices where spaCy starts a sentence; None for a turn short enough to stay whole."""
    long_turns = [t for t in turns if len(t.words) > config.max_words // 2]
    docs = iter(nlp.pipe(" ".join(t.words) for t in long_turns))
    found: list[list[int] | None] = []
    for turn in turns:
        if len(turn.words) <= config.max_words // 2:
            found.append(None)
            continue
        char_to_word, pos = {}, 0
        for i, w in enumerate(turn.words):
            char_to_word[pos] = i
            pos += len(w) + 1
        found.append(sorted({char_to_word[s.start_char] for s in next(docs).sents if s.start_char in char_to_word}))
    return found


def _window_cut(turn: _Turn, start: int, stop: int, config: SegmentConfig) -> int:
    """Best place to cut a run-on between start+min_words and start+max_words."""
    best, best_score = start + config.target_words, -1.0
    for i in range(start + config.min_words, min(stop, start + config.max_words + 1)):
        score = 10 * min(turn.gaps.get(i, 0.0), 2.0) + _MARKERS.get(turn.words[i].lower().strip(",."), 0.0)
        score -= abs(i - start - config.target_words) / config.target_words
        if score > best_score:
            best, best_score = i, score
    return best


def _spans(turn: _Turn, sentence_starts: list[int], config: SegmentConfig) -> list[tuple[int, int]]:
    n = len(turn.words)
    bounds = [*sentence_starts, n] if sentence_starts and sentence_starts[0] == 0 else [0, *sentence_starts, n]
    pieces: list[tuple[int, int]] = []
    for a, b in itertools.pairwise(bounds):
        while b - a > config.max_words:
            cut = _window_cut(turn, a, b - config.min_words, config)
            pieces.append((a, cut))
            a = cut
        if b > a:
            pieces.append((a, b))
    spans: list[tuple[int, int]] = []
    count = 0
    for a, b in pieces:
        if spans and count < config.max_sentences and (b - spans[-1][0]) <= config.target_words + 10:
            spans[-1] = (spans[-1][0], b)
            count += 1
        else:
            spans.append((a, b))
            count = 1
    if len(spans) > 1 and spans[-1][1] - spans[-1][0] < config.min_words // 3:
        spans[-2:] = [(spans[-2][0], spans[-1][1])]
    return spans


def segment(
    nlp: Language, transcripts: Sequence[Transcript], config: SegmentConfig = SegmentConfig()
) -> list[list[Segment]]:
    """Split each transcript into segments; joined, their texts give back every word in order."""
    result = []
    for transcript in transcripts:
        turns = _turns(transcript)
        segments: list[Segment] = []
        for turn, starts in zip(turns, _sentence_starts(nlp, turns, config), strict=True):
            spans = [(0, len(turn.words))] if starts is None else _spans(turn, starts, config)
            for a, b in spans:
                segments.append(
                    Segment(
                        index=len(segments),
                        speaker=turn.speaker,
                        start=_round(turn.starts[a]),
                        end=_round(turn.ends[b - 1]),
                        text=" ".join(turn.words[a:b]),
                    )
                )
        result.append(segments)
    return result


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
