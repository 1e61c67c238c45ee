"""GET / and POST /report: a newcomer uploads a transcript in the browser and reads the balance report."""

from collections.abc import Mapping
from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.config import Settings
from api.deps import Analyzer, AnalyzerDep, RunnerDep, SettingsDep
from api.errors import STATUS_CODES, ApiError
from api.pages.access import ViewerDep
from api.pages.render import render_report, render_upload
from api.uploads import Upload, read_upload
from pipeline.analyze import Request as AnalysisRequest
from pipeline.errors import TranscriptError, TranscriptTooLongError
from pipeline.ingest import parse
from pipeline.schemas import Analysis

router = APIRouter(tags=["pages"], include_in_schema=False)


def _failure(exc: ApiError | TranscriptError | HTTPException) -> tuple[int, str, str, Mapping[str, str] | None]:
    """Status, code, message and headers of an error, the same as the JSON API answers it (api/errors.py)."""
    if isinstance(exc, ApiError):
        return exc.status, exc.code, exc.message, exc.headers
    if isinstance(exc, HTTPException):
        return exc.status_code, STATUS_CODES.get(exc.status_code, "http_error"), str(exc.detail), exc.headers
    return (413 if isinstance(exc, TranscriptTooLongError) else 422), exc.code, str(exc), None


def _analyse(analyzer: Analyzer, upload: Upload) -> Analysis:
    transcript = parse(upload.data, upload.format)
    return analyzer(AnalysisRequest(transcript=transcript, manager=upload.manager, rep=upload.rep))


def _needs_login(settings: Settings, org: str | None) -> bool:
    """The page follows /v1/analyze: open unless BALANCE_ANALYZE_REQUIRES_KEY, then a logged-in browser only."""
    return settings.analyze_requires_key and org is None


@router.get("/", response_class=HTMLResponse)
async def upload_page(settings: SettingsDep, org: ViewerDep) -> Response:
    """Show the upload form: the way in for someone who has a transcript and no API client."""
    if _needs_login(settings, org):
        return RedirectResponse("/login?next=/", status_code=303)
    return HTMLResponse(render_upload())


@router.post("/report", response_class=HTMLResponse)
async def report(request: Request, analyzer: AnalyzerDep, runner: RunnerDep, settings: SettingsDep, org: ViewerDep
                 ) -> Response:
    """Analyse an uploaded transcript like /v1/analyze and show its balance report, or the form with the error."""
    if _needs_login(settings, org):
        return RedirectResponse("/login?next=/", status_code=303)
    upload: Upload | None = None
    try:
        upload = await read_upload(request, settings.max_upload_bytes)
        analysis = await runner.run(partial(_analyse, analyzer, upload))
    except (ApiError, TranscriptError, HTTPException) as exc:
        status, code, message, headers = _failure(exc)
        request.app.state.metrics.errors.labels(code=code).inc()
        page = render_upload(error=message, format=upload.format if upload else "auto",
                             manager=upload.manager if upload else None, rep=upload.rep if upload else None)
        return HTMLResponse(page, status_code=status, headers=headers)
    page = await anyio.to_thread.run_sync(partial(render_report, analysis, manager=upload.manager, rep=upload.rep))
    return HTMLResponse(page)
