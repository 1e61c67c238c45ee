"""Who may see a stored report in a browser: a login cookie made from an API key, or an expiring share link.

The cookie holds only the key's id, signed and timed; every request re-checks that the key is still live,
so revoking a key logs its browsers out. Share links are signed for one analysis of one organisation.
"""

import secrets
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.config import Settings
from api.store import keys
from api.store.db import Database

COOKIE = "balance_session"
SECRET_FILE = "session-secret"


def signing_secret(settings: Settings) -> str:
    """BALANCE_SECRET_KEY, or outside production a random secret kept (0600) in the data folder across restarts."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


class Signer:
    def __init__(self, secret: str, settings: Settings) -> None:
        self._sessions = URLSafeTimedSerializer(secret, salt="balance.session")
        self._shares = URLSafeTimedSerializer(secret, salt="balance.share")
        self.session_seconds = int(settings.session_hours * 3600)
        self.share_seconds = int(settings.share_link_days * 86400)

    def login(self, response: Response, key_id: str) -> None:
        """HttpOnly, Secure (browsers accept that on http://localhost and 127.0.0.1 too) and SameSite=Lax against CSRF."""
        response.set_cookie(COOKIE, self._sessions.dumps(key_id), max_age=self.session_seconds, httponly=True,
                            secure=True, samesite="lax", path="/")

    def key_id(self, cookie: str | None) -> str | None:
        try:
            return self._sessions.loads(cookie, max_age=self.session_seconds) if cookie else None
        except BadSignature:
            return None

    def share_token(self, *, org: str, analysis_id: str) -> str:
        return self._shares.dumps([org, analysis_id])

    def shared_org(self, token: str | None, analysis_id: str) -> str | None:
        """The organisation a share token opens `analysis_id` for; None if forged, expired or for another report."""
        try:
            org, shared_id = self._shares.loads(token, max_age=self.share_seconds) if token else (None, None)
        except (BadSignature, ValueError, TypeError):
            return None
        return org if shared_id == analysis_id else None


def viewer_org(request: Request) -> str | None:
    """The organisation of the logged-in browser, or None; sync so the key lookup runs in the thread pool."""
    key_id = request.app.state.signer.key_id(request.cookies.get(COOKIE))
    if key_id is None:
        return None
    db: Database = request.app.state.db
    with db.session() as session:
        return keys.live_org(session=session, key_id=key_id)


ViewerDep = Annotated[str | None, Depends(viewer_org)]
