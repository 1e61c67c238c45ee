"""The HTTP service: create_app wires settings, storage, models (loaded once, in the lifespan) and routes."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
import httpx
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import errors, metrics
from api.config import Settings, get_settings
from api.deps import Analyzer
from api.jobs import Processor
from api.pages import routes as pages
from api.pages import stored as stored_pages
from api.pages.access import Signer, signing_secret
from api.routes import analyze, health, transcripts, webhooks
from api.runner import AnalysisRunner
from api.store.db import Database, migrate
from api.worker import Worker
from models.classifier import SegmentClassifier
from pipeline.segment import load_nlp


def load_analyzer(settings: Settings, registry: metrics.Metrics) -> Analyzer:
    classifier = SegmentClassifier.load(
        weights_dir=settings.model_weights_dir, backend=settings.model_backend, cache_dir=settings.model_cache_dir,
        threads=settings.model_threads,
    )
    return Analyzer(nlp=load_nlp(), classifier=classifier, config=settings.analysis_config(), metrics=registry)


def make_worker(settings: Settings, db: Database, analyzer: Analyzer, registry: metrics.Metrics) -> Worker:
    """A worker with its own HTTP client (timeouts, connection retries) for downloads and callbacks."""
    http = httpx.Client(timeout=settings.http_timeout_seconds, transport=httpx.HTTPTransport(retries=2))
    return Worker(db, Processor(db, analyzer, settings, http), registry, threads=settings.worker_threads,
                  poll_seconds=settings.worker_poll_seconds, lease_seconds=settings.job_lease_seconds,
                  backoff_seconds=settings.job_backoff_seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; the model loads in the lifespan so health checks can answer at once."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(migrate, app.state.db.engine)
        app.state.analyzer = await anyio.to_thread.run_sync(load_analyzer, settings, app.state.metrics)
        worker = make_worker(settings, app.state.db, app.state.analyzer, app.state.metrics)
        if settings.worker_enabled:
            worker.start()
        yield
        await anyio.to_thread.run_sync(worker.stop)
        worker.processor.http.close()

    app = FastAPI(
        title="1:1 balance",
        version="0.1.0",
        description="Where a sales manager's 1:1s go: deal status, coaching, goals and rapport.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.metrics = metrics.Metrics()
    app.state.analyzer = None
    app.state.db = Database(settings.db_url)
    app.state.signer = Signer(signing_secret(settings), settings)
    app.state.runner = AnalysisRunner(
        settings.max_concurrent_analyses, settings.max_waiting_analyses,
        settings.request_timeout_seconds, settings.retry_after_seconds,
    )
    errors.install(app)
    metrics.install(app, app.state.metrics)
    for module in (health, analyze, transcripts, webhooks):
        app.include_router(module.router)
    app.include_router(pages.router)
    app.include_router(stored_pages.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
