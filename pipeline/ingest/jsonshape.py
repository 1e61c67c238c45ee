"""Shared JSON loading: invalid JSON and wrong shapes become errors that point at the field."""

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from pipeline.errors import JSONShapeError

M = TypeVar("M", bound=BaseModel)


def load_json(text: str, fmt: str) -> Any:
    """Parse JSON, naming the line and column of a syntax error."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise JSONShapeError(
            f"Invalid JSON for {fmt} at line {exc.lineno}, column {exc.colno}: {exc.msg}. "
            "Upload the file exactly as exported."
        ) from None


def validate(model: type[M], data: Any, fmt: str, expected: str) -> M:
    """Validate against `model`, reporting the first bad field as a path like segments[3].text."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in first["loc"]).lstrip(".")
        raise JSONShapeError(
            f"This JSON is not {fmt}: field '{path or '(top level)'}' {first['msg'].lower()}. Expected {expected}."
        ) from None
