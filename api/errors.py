"""One error body for every 4xx and 5xx: {"error": {"code", "message"}} (API.md)."""

from collections.abc import Mapping
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pipeline.errors import TranscriptError, TranscriptTooLongError

STATUS_CODES = {413: "too_large", 404: "not_found", 405: "method_not_allowed", 415: "unsupported_media_type",
                503: "overloaded", 400: "bad_request", 422: "invalid_request"}


class ApiError(Exception):
    """An error raised inside api/ with its status, code and message."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


@dataclass(frozen=True)
class Failure:
    status: int
    code: str
    message: str
    headers: Mapping[str, str] | None = None


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def describe(exc: ApiError | TranscriptError | StarletteHTTPException) -> Failure:
    """The status, code, message and headers of an error: one mapping for the JSON API and the HTML pages."""
    if isinstance(exc, ApiError):
        return Failure(exc.status, exc.code, exc.message, exc.headers)
    if isinstance(exc, StarletteHTTPException):
        return Failure(exc.status_code, STATUS_CODES.get(exc.status_code, "http_error"), str(exc.detail), exc.headers)
    return Failure(413 if isinstance(exc, TranscriptTooLongError) else 422, exc.code, str(exc))


def _answer(failure: Failure) -> JSONResponse:
    return JSONResponse(error_body(failure.code, failure.message), status_code=failure.status,
                        headers=dict(failure.headers) if failure.headers else None)


def install(app: FastAPI) -> None:
    """Map pipeline errors, validation errors and HTTP errors onto the one body shape."""

    @app.exception_handler(TranscriptError)
    @app.exception_handler(ApiError)
    async def counted_error(request: Request, exc: ApiError | TranscriptError) -> JSONResponse:
        failure = describe(exc)
        request.app.state.metrics.errors.labels(code=failure.code).inc()
        return _answer(failure)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"] if p != "body") or "body"
        request.app.state.metrics.errors.labels(code="invalid_request").inc()
        return JSONResponse(error_body("invalid_request", f"{path}: {first['msg']}"), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _answer(describe(exc))
