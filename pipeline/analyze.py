"""The one entry point every caller uses (API, batch script, webhooks): transcripts in, analyses out."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.language import Language

from models.classifier import SegmentClassifier
from models.encoding import SegmentInput
from pipeline.errors import TranscriptTooLongError
from pipeline.profile import ProfileConfig, build_profile
from pipeline.roles import assign_roles
from pipeline.schemas import Analysis, ModelInfo, Segment, Transcript
from pipeline.segment import SegmentConfig, segment


@dataclass(frozen=True)
class AnalysisConfig:
    """Everything the pipeline may be tuned by; the API builds it from its Settings."""

    segment: SegmentConfig = field(default_factory=SegmentConfig)
    profile: ProfileConfig = field(default_factory=ProfileConfig)
    max_words: int = 60_000

    def __post_init__(self) -> None:
        if self.max_words < 1:
            raise ValueError("AnalysisConfig.max_words must be positive")


@dataclass(frozen=True)
class Request:
    """One transcript to analyse, with the caller's word on who is who."""

    transcript: Transcript
    manager: str | None = None
    rep: str | None = None
    id: str = field(default_factory=lambda: uuid.uuid4().hex)


def check_length(request: Request, config: AnalysisConfig) -> None:
    """Refuse a transcript over the word limit before any model work is spent on it."""
    words = sum(len(u.text.split()) for u in request.transcript.utterances)
    if words > config.max_words:
        raise TranscriptTooLongError(
            f"The transcript has {words} words; the limit is {config.max_words} (about "
            f"{config.max_words // 9000} hours of talk). Split it into separate meetings."
        )


def label_segments(classifier: SegmentClassifier, batches: Sequence[Sequence[Segment]]) -> list[list[Segment]]:
    """New segments carrying the classifier's label, confidence and scores."""
    predictions = classifier.predict([[SegmentInput(s.speaker, s.text) for s in segs] for segs in batches])
    return [
        [s.model_copy(update={"label": p.label, "confidence": p.confidence, "scores": p.scores})
         for s, p in zip(segs, preds, strict=True)]
        for segs, preds in zip(batches, predictions, strict=True)
    ]


def analyze(
    requests: Sequence[Request], *, nlp: Language, classifier: SegmentClassifier, config: AnalysisConfig
) -> list[Analysis]:
    """Segment, classify (all transcripts in one batched pass) and profile each request."""
    for request in requests:
        check_length(request, config)
    segmented = segment(nlp, [r.transcript for r in requests], config.segment)
    roles = [assign_roles(segs, r.transcript, r.manager, r.rep) for r, segs in zip(requests, segmented, strict=True)]
    labelled = label_segments(classifier, segmented)
    model = ModelInfo(name=classifier.name, version=classifier.version, label_set=classifier.label_set)
    analyses = []
    for request, segs, speaker_roles in zip(requests, labelled, roles, strict=True):
        profile, speakers = build_profile(segs, speaker_roles, config.profile)
        analyses.append(
            Analysis(
                id=request.id,
                format=request.transcript.format,
                duration_seconds=_duration(segs),
                segments=segs,
                speakers=speakers,
                profile=profile,
                model=model,
            )
        )
    return analyses


def analyze_one(request: Request, *, nlp: Language, classifier: SegmentClassifier, config: AnalysisConfig) -> Analysis:
    return analyze([request], nlp=nlp, classifier=classifier, config=config)[0]


def _duration(segments: Sequence[Segment]) -> float | None:
    starts = [s.start for s in segments if s.start is not None]
    ends = [s.end for s in segments if s.end is not None]
    if len(ends) != len(segments) or not starts:
        return None
    return round(max(ends) - min(starts), 2)
