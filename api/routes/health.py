"""Liveness, readiness and metrics for orchestrators and Prometheus."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["operations"])


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
async def metrics(request: Request) -> Response:
    """Expose Prometheus metrics."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)
