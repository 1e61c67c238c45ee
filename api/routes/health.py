"""Liveness, readiness and metrics for orchestrators and Prometheus."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.store import jobs

router = APIRouter(tags=["operations"])
JOB_STATUSES = ("queued", "running", "done", "failed")


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Report that the process is up (it answers even while an analysis runs)."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """Report whether the model is loaded and analyses can be served."""
    analyzer = getattr(request.app.state, "analyzer", None)
    if analyzer is None:
        return JSONResponse({"status": "loading"}, status_code=503, headers={"Retry-After": "2"})
    classifier = analyzer.classifier
    return JSONResponse({"status": "ready", "model": {"name": classifier.name, "version": classifier.version}})


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Expose Prometheus metrics, with the job queue's depth read from the database at scrape time."""
    registry = request.app.state.metrics
    with request.app.state.db.session() as session:
        by_status = jobs.counts(session=session)
    for status in JOB_STATUSES:
        registry.job_queue.labels(status=status).set(by_status.get(status, 0))
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
