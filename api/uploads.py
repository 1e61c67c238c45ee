"""Read an analysis request off the wire: a multipart upload or API.md's JSON body, size-limited."""

from dataclasses import dataclass

from fastapi import Request
from starlette.datastructures import UploadFile

from api.errors import ApiError
from pipeline.ingest import FORMATS

JSON_TYPES = ("application/json",)
MULTIPART = "multipart/form-data"


@dataclass(frozen=True)
class Upload:
    """The raw bytes and options of one request, still unparsed (parsing runs off the event loop)."""

    data: bytes
    format: str
    manager: str | None
    rep: str | None


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"The upload is larger than {limit // (1024 * 1024)} MB; "
                    "split the transcript or raise BALANCE_MAX_UPLOAD_BYTES.")


def _text_field(form: dict, name: str) -> str | None:
    value = form.get(name)
    if value is not None and not isinstance(value, str):
        raise ApiError(422, "invalid_request", f"'{name}' must be a text field, not a file.")
    return value.strip() or None if value else None


async def read_upload(request: Request, limit: int) -> Upload:
    """Take the request body as an Upload, refusing oversize bodies before reading them whole."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise _too_large(limit)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type in JSON_TYPES:
        body = await request.body()
        if len(body) > limit:
            raise _too_large(limit)
        return Upload(body, "segments-json", None, None)
    if content_type != MULTIPART:
        raise ApiError(415, "unsupported_media_type", f"Content type '{content_type or 'none'}' is not accepted: "
                       "send multipart/form-data with a 'file' field, or application/json with 'segments'.")
    async with request.form(max_files=1, max_fields=8, max_part_size=limit) as form:
        fields = dict(form)
        file = fields.get("file")
        if not isinstance(file, UploadFile):
            raise ApiError(422, "missing_file", "No transcript: send the file in a multipart field named 'file'.")
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise _too_large(limit)
        fmt = _text_field(fields, "format") or "auto"
        if fmt not in FORMATS:
            raise ApiError(422, "unknown_format", f"format '{fmt}' is not supported; use one of: {', '.join(FORMATS)}.")
        return Upload(data, fmt, _text_field(fields, "manager"), _text_field(fields, "rep"))


def openapi_body() -> dict:
    """Both request shapes for the OpenAPI document, so /docs and schemathesis know them."""
    segment = {
        "type": "object",
        "required": ["speaker", "text"],
        "properties": {
            "speaker": {"type": "string", "minLength": 1, "maxLength": 200},
            "start": {"type": ["number", "null"]},
            "end": {"type": ["number", "null"]},
            "text": {"type": "string"},
        },
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                MULTIPART: {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "format": {"type": "string", "enum": [*FORMATS, ""], "default": "auto",
                                       "description": "Left out or empty: detected from the file."},
                            "manager": {"type": "string"},
                            "rep": {"type": "string"},
                        },
                    }
                },
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": ["segments"],
                        "properties": {
                            "segments": {"type": "array", "minItems": 1, "items": segment},
                            "manager": {"type": ["string", "null"]},
                            "rep": {"type": ["string", "null"]},
                        },
                    }
                },
            },
        }
    }
