"""The HTTP service: create_app wires settings, models (loaded once, in the lifespan) and routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from api import errors, metrics
from api.config import Settings, get_settings
from api.deps import Analyzer
from api.routes import analyze, health
from api.runner import AnalysisRunner
from models.classifier import SegmentClassifier
from pipeline.segment import load_nlp


def _load(settings: Settings, registry: metrics.Metrics) -> Analyzer:
    classifier = SegmentClassifier.load(
        backend=settings.model_backend, cache_dir=settings.model_cache_dir, threads=settings.model_threads
    )
    return Analyzer(nlp=load_nlp(), classifier=classifier, config=settings.analysis_config(), metrics=registry)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the model loads in the lifespan so health checks can answer at once."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.analyzer = await anyio.to_thread.run_sync(_load, settings, app.state.metrics)
        yield

    app = FastAPI(
        title="1:1 balance",
        version="0.1.0",
        description="Where a sales manager's 1:1s go: deal status, coaching, goals and rapport.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics.Metrics()
    app.state.analyzer = None
    app.state.runner = AnalysisRunner(
        settings.max_concurrent_analyses, settings.max_waiting_analyses,
        settings.request_timeout_seconds, settings.retry_after_seconds,
    )
    errors.install(app)
    metrics.install(app, app.state.metrics)
    app.include_router(health.router)
    app.include_router(analyze.router)
    return app
