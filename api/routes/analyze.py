"""POST /v1/analyze: one transcript in, its conversation balance profile out."""

from functools import partial
from typing import Any

from fastapi import APIRouter, Request

from api.auth import OptionalOrgDep
from api.deps import AnalyzerDep, RunnerDep, SettingsDep
from api.errors import error_body
from api.uploads import openapi_body, read_upload
from pipeline.schemas import Analysis

router = APIRouter(prefix="/v1", tags=["analysis"])
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"example": error_body("code", "what is wrong")}}}
    for code, text in ((400, "Malformed multipart body"), (413, "Upload or transcript too large"),
                       (415, "Unsupported content type"), (422, "The transcript or request is invalid"),
                       (503, "Busy; retry after Retry-After"))
}


@router.post("/analyze", response_model=Analysis, openapi_extra=openapi_body(), responses=ERRORS)  # type: ignore[arg-type]
async def analyze(
    request: Request, analyzer: AnalyzerDep, runner: RunnerDep, settings: SettingsDep, _org: OptionalOrgDep
) -> Analysis:
    """Analyse a 1:1 transcript (any supported format) and return its conversation balance profile."""
    upload = await read_upload(request, settings.max_upload_bytes)
    return await runner.run(partial(analyzer.upload, upload))
