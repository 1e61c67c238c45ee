"""API keys: made once and shown once, kept only as a hash, scoped to one organisation."""

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.tables import ApiKey, utcnow

PREFIX = "bal_"


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_key(*, session: Session, org: str, name: str) -> tuple[ApiKey, str]:
    """A new key row and the raw key, which is never stored and cannot be shown again."""
    raw = PREFIX + secrets.token_urlsafe(32)
    key = ApiKey(org=org, name=name, prefix=raw[: len(PREFIX) + 6], hash=hash_key(raw))
    session.add(key)
    session.flush()
    return key, raw


def revoke_key(*, session: Session, key_id: str) -> bool:
    """Revoke by id or printed prefix; False when no live key matches."""
    key = session.scalars(
        select(ApiKey).where((ApiKey.id == key_id) | (ApiKey.prefix == key_id), ApiKey.revoked_at.is_(None))
    ).first()
    if key is None:
        return False
    key.revoked_at = utcnow()
    return True


def find_key(*, session: Session, raw: str) -> ApiKey | None:
    """The live key for a presented secret, or None."""
    return session.scalars(select(ApiKey).where(ApiKey.hash == hash_key(raw), ApiKey.revoked_at.is_(None))).first()


def live_org(*, session: Session, key_id: str) -> str | None:
    """The organisation of a key by id while it is live: a browser session holds the id, never the secret."""
    return session.scalars(select(ApiKey.org).where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))).first()


def list_keys(*, session: Session) -> list[ApiKey]:
    return list(session.scalars(select(ApiKey).order_by(ApiKey.org, ApiKey.created_at)))
