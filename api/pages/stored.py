"""Pages over stored analyses: log in with an API key, list reports, open one (or its share link), see trends."""

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response

from api.deps import DatabaseDep, SettingsDep
from api.pages.access import COOKIE, ViewerDep
from api.pages.lists import render_login, render_reports, render_trends
from api.pages.render import render_report, segments_csv
from api.routes.transcripts import stored, summary
from api.store import analyses, keys
from api.store.db import Database
from api.store.tables import AnalysisRow
from pipeline.trends import trend_rows

router = APIRouter(tags=["pages"], include_in_schema=False)
Share = Annotated[str | None, Query(description="A share token from the report's share button.")]


def _to_login(request: Request) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(here)}", status_code=303)


def _safe_next(target: str) -> str:
    """Only same-site paths, so the login form cannot be used to bounce someone to another site."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/reports"


def _row(db: Database, org: str | None, analysis_id: str) -> AnalysisRow | None:
    if org is None:
        return None
    with db.session() as session:
        return analyses.get_analysis(session=session, org=org, analysis_id=analysis_id)


@router.get("/login", response_class=HTMLResponse)
def login_page(next: str = "/reports") -> HTMLResponse:
    """Ask for an API key once; the browser then holds a signed, HTTP-only session cookie."""
    return HTMLResponse(render_login(next_url=_safe_next(next)))


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DatabaseDep, api_key: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/reports"
          ) -> Response:
    """Trade a valid API key for a session cookie, or show the form again with why not."""
    with db.session() as session:
        key = keys.find_key(session=session, raw=api_key.strip()) if api_key.strip() else None
        key_id = key.id if key else None
    if key_id is None:
        return HTMLResponse(render_login(error="That API key is unknown or revoked.", next_url=_safe_next(next)), status_code=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    request.app.state.signer.login(response, key_id)
    return response


@router.post("/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/reports", response_class=HTMLResponse)
def reports(request: Request, org: ViewerDep, db: DatabaseDep, manager: str | None = None, rep: str | None = None) -> Response:
    """The organisation's stored analyses, newest meeting first."""
    if org is None:
        return _to_login(request)
    with db.session() as session:
        rows = analyses.list_analyses(session=session, org=org, manager=manager or None, rep=rep or None, limit=500)
    return HTMLResponse(render_reports([summary(r) for r in rows], org=org, manager=manager, rep=rep))


@router.get("/reports/{analysis_id}.{kind}")
def download(request: Request, analysis_id: str, kind: str, org: ViewerDep, db: DatabaseDep, share: Share = None) -> Response:
    """The report's analysis JSON or segments CSV, under the same access as the page."""
    row = _row(db, org, analysis_id) or _row(db, request.app.state.signer.shared_org(share, analysis_id), analysis_id)
    if row is None or kind not in ("json", "csv"):
        return PlainTextResponse("Not found", status_code=404)
    attachment = {"Content-Disposition": f'attachment; filename="analysis-{row.id}.{kind}"'}
    if kind == "json":
        return JSONResponse(stored(row).model_dump(mode="json"), headers=attachment)
    return PlainTextResponse(segments_csv(stored(row)), media_type="text/csv", headers=attachment)


@router.get("/reports/{analysis_id}", response_class=HTMLResponse)
def report_page(request: Request, analysis_id: str, org: ViewerDep, db: DatabaseDep, share: Share = None) -> Response:
    """One stored report, for a logged-in member of its organisation or the holder of a live share link."""
    shared_org = request.app.state.signer.shared_org(share, analysis_id)
    row = _row(db, org, analysis_id) or _row(db, shared_org, analysis_id)
    if row is None:
        if org is None and shared_org is None:
            return _to_login(request)
        return HTMLResponse("Not found", status_code=404)
    suffix = f"?share={quote(share)}" if share and shared_org else ""
    page = render_report(stored(row), manager=row.manager, rep=row.rep, json_url=f"/reports/{row.id}.json{suffix}",
                         csv_url=f"/reports/{row.id}.csv{suffix}", back_url="/reports" if org else None,
                         share_action=f"/reports/{row.id}/share" if org else None)
    return HTMLResponse(page)


@router.post("/reports/{analysis_id}/share", response_class=HTMLResponse)
def share_report(request: Request, analysis_id: str, org: ViewerDep, db: DatabaseDep) -> Response:
    """Make an expiring link to this report for someone without a key (a rep, say)."""
    row = _row(db, org, analysis_id)
    if row is None:
        return _to_login(request) if org is None else HTMLResponse("Not found", status_code=404)
    token = request.app.state.signer.share_token(org=row.org, analysis_id=row.id)
    link = str(request.url_for("report_page", analysis_id=row.id).include_query_params(share=token))
    page = render_report(stored(row), manager=row.manager, rep=row.rep, json_url=f"/reports/{row.id}.json",
                         csv_url=f"/reports/{row.id}.csv", back_url="/reports", share_link=link)
    return HTMLResponse(page)


@router.get("/trends", response_class=HTMLResponse)
def trends(request: Request, org: ViewerDep, db: DatabaseDep, settings: SettingsDep, name: str = "",
           role: Annotated[str, Query(pattern="^(manager|rep)$")] = "rep") -> Response:
    """One manager's or rep's 1:1s by week: people share, each label, and deal-review creep."""
    if org is None:
        return _to_login(request)
    with db.session() as session:
        found = analyses.list_analyses(session=session, org=org, limit=5000, manager=name if role == "manager" else None,
                                       rep=name if role == "rep" else None)
        rows = [{"date": r.meeting_date.isoformat(), "speakers": r.body["speakers"], "profile": r.body["profile"]} for r in found]
    window, creep_pp = settings.trend_window_weeks, settings.creep_pp
    weekly = [r for r in trend_rows(rows, window, creep_pp) if (r["role"], r["name"]) == (role, name)]
    return HTMLResponse(render_trends(weekly, role=role, name=name, window=window, creep_pp=creep_pp))
