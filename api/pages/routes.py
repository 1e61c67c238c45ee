"""GET / and POST /report: a newcomer uploads a transcript in the browser and reads the balance report."""

from functools import partial

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from api.config import Settings
from api.deps import AnalyzerDep, RunnerDep, SettingsDep
from api.errors import ApiError, describe
from api.pages.access import ViewerDep
from api.pages.render import render_report, render_upload
from api.uploads import Upload, read_upload
from pipeline.errors import TranscriptError

router = APIRouter(tags=["pages"], include_in_schema=False)


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
        analysis = await runner.run(partial(analyzer.upload, upload))
    except (ApiError, TranscriptError, HTTPException) as exc:
        failure = describe(exc)
        request.app.state.metrics.errors.labels(code=failure.code).inc()
        page = render_upload(error=failure.message, format=upload.format if upload else "auto",
                             manager=upload.manager if upload else None, rep=upload.rep if upload else None)
        return HTMLResponse(page, status_code=failure.status, headers=failure.headers)
    page = await anyio.to_thread.run_sync(partial(render_report, analysis, manager=upload.manager, rep=upload.rep))
    return HTMLResponse(page)
