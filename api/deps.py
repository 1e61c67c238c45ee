"""Typed dependencies: routes take what they need from here and never load models themselves."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from spacy.language import Language

from api.config import Settings
from api.errors import ApiError
from api.metrics import Metrics
from api.runner import AnalysisRunner
from api.store.db import Database
from api.uploads import Upload
from models.classifier import SegmentClassifier
from pipeline.analyze import AnalysisConfig, analyze_one
from pipeline.analyze import Request as AnalysisRequest
from pipeline.ingest import parse
from pipeline.schemas import Analysis


@dataclass(frozen=True)
class Analyzer:
    """The loaded models and config, bound once in the lifespan; callable from a worker thread."""

    nlp: Language
    classifier: SegmentClassifier
    config: AnalysisConfig
    metrics: Metrics

    def __call__(self, request: AnalysisRequest) -> Analysis:
        analysis = analyze_one(request, nlp=self.nlp, classifier=self.classifier, config=self.config)
        self.metrics.segments.inc(len(analysis.segments))
        return analysis

    def upload(self, upload: Upload) -> Analysis:
        """Parse and analyse raw bytes: the one path for /v1/analyze, the upload page and stored jobs."""
        return self(AnalysisRequest(transcript=parse(upload.data, upload.format), manager=upload.manager, rep=upload.rep))


def _analyzer(request: Request) -> Analyzer:
    analyzer = getattr(request.app.state, "analyzer", None)
    if analyzer is None:
        raise ApiError(503, "not_ready", "The model is still loading; retry in a few seconds.",
                       headers={"Retry-After": "2"})
    return analyzer


def _runner(request: Request) -> AnalysisRunner:
    return request.app.state.runner


def _database(request: Request) -> Database:
    return request.app.state.db


def _settings(request: Request) -> Settings:
    return request.app.state.settings


AnalyzerDep = Annotated[Analyzer, Depends(_analyzer)]
RunnerDep = Annotated[AnalysisRunner, Depends(_runner)]
SettingsDep = Annotated[Settings, Depends(_settings)]
DatabaseDep = Annotated[Database, Depends(_database)]
