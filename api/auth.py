"""API-key auth: `Authorization: Bearer <key>` resolves to the one organisation whose data the caller may see."""

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiError
from api.store import keys
from api.store.db import Database


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def bearer(request: Request) -> str | None:
    """The presented key, from the Authorization header; None when there is none."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Authorization must be 'Bearer <api key>'.")
    return token.strip()


def org_for(db: Database, raw: str | None) -> str:
    """The organisation a raw key belongs to; 401 for a missing, unknown or revoked key."""
    if not raw:
        raise _unauthorized("This endpoint needs an API key: send 'Authorization: Bearer <key>' "
                            "(create one with `python -m scripts.keys create --org <name>`).")
    with db.session() as session:
        key = keys.find_key(session=session, raw=raw)
        if key is None:
            raise _unauthorized("The API key is unknown or revoked.")
        return key.org


def require_org(request: Request) -> str:
    """Sync on purpose: FastAPI runs it in the thread pool, so the key lookup never blocks the event loop."""
    return org_for(request.app.state.db, bearer(request))


def optional_org(request: Request) -> str | None:
    """For /v1/analyze, which stores nothing: a key is checked when sent, and demanded only if settings say so."""
    raw = bearer(request)
    if raw is None and not request.app.state.settings.analyze_requires_key:
        return None
    return org_for(request.app.state.db, raw)


OrgDep = Annotated[str, Depends(require_org)]
OptionalOrgDep = Annotated[str | None, Depends(optional_org)]
