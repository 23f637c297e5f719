"""*Mes documents*: issue an ADCS or an RIR, refuse the RII without FranceConnect, re-download.

Each download is a fresh issuance through :class:`issuer.service.Issuer` (logged in the issuance
log with ``requested_by = portal:account:<id>``), stored for the account under a random id of
128 bits (the log's document number is sequential, hence guessable). ``GET
/mes-documents/<id>.pdf`` serves only the session's own documents: any other id, existing or not,
is a 404, so ids of other accounts cannot even be confirmed.

The RII (the full record) needs a FranceConnect session with ``acr`` ``eidas1`` (issue 14); a
password session gets 403 and a page saying why.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template
from sqlalchemy import select

from issuer.errors import IssuerError
from issuer.kinds import DocumentKind
from issuer.validity import adcs_expiry
from issuer.web import current_portal
from issuer.web.auth import current_account, licence_required
from issuer.web.models import PortalDocument

__all__ = ["bp", "may_issue_rii"]

bp = Blueprint("documents", __name__)

_ID = re.compile(r"[A-Za-z0-9_-]{22}")
LIST_LIMIT = 50


def may_issue_rii() -> bool:
    """True for a FranceConnect session at eIDAS level 1 (issue 14 sets these keys)."""
    from flask import session

    return session.get("method") == "franceconnect" and session.get("acr") == "eidas1"


def _documents(account_id: int) -> list[PortalDocument]:
    with current_portal().sessions() as db:
        rows = db.execute(
            select(PortalDocument.id, PortalDocument.kind, PortalDocument.document_id,
                   PortalDocument.issued_on, PortalDocument.expires_on, PortalDocument.created_at)
            .where(PortalDocument.account_id == account_id)
            .order_by(PortalDocument.created_at.desc()).limit(LIST_LIMIT)).all()
    return rows


@bp.get("/mes-documents")
@licence_required
def index() -> Any:
    """The three documents with what each is for, and this account's earlier downloads."""
    account = current_account()
    return render_template("portal/documents.html", documents=_documents(account.id),
                           rii_allowed=may_issue_rii(),
                           adcs_expiry=adcs_expiry(current_portal().today()))


def _pdf_response(pdf: bytes, name: str) -> Response:
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"',
        "Cache-Control": "no-store",
    })


def _issue(kind: DocumentKind) -> Any:
    account = current_account()
    portal = current_portal()
    now = portal.now()
    today = portal.today()
    try:
        with portal.issue_lock:
            issued = portal.issuer().issue(kind, account.neph, on=today, now=now,
                                           requested_by=f"portal:account:{account.id}")
    except IssuerError as exc:
        current_app.logger.warning("issuance refused for account %s: %s", account.id, exc.code)
        return render_template("portal/issue_refused.html", code=exc.code), 409
    row_id = secrets.token_urlsafe(16)
    with portal.sessions.begin() as db:
        db.add(PortalDocument(id=row_id, account_id=account.id, document_id=issued.document_id,
                              kind=kind.value, issued_on=today,
                              expires_on=issued.payload.expires_on,
                              created_at=portal.utcnow(), pdf=issued.pdf))
    return _pdf_response(issued.pdf, f"{kind.value}-{issued.document_id}.pdf")


@bp.post("/mes-documents/adcs")
@licence_required
def adcs() -> Any:
    """A fresh ADCS (valid four months), logged and kept for re-download."""
    return _issue(DocumentKind.ADCS)


@bp.post("/mes-documents/rir")
@licence_required
def rir() -> Any:
    """A fresh RIR (valid on its issue date), logged and kept for re-download."""
    return _issue(DocumentKind.RIR)


@bp.post("/mes-documents/rii")
@licence_required
def rii() -> Any:
    """The RII: only for a FranceConnect session (issue 14); otherwise 403 with the reason."""
    if not may_issue_rii():
        return render_template("portal/rii_refused.html"), 403
    return _issue(DocumentKind.RII)


@bp.get("/mes-documents/<document_id>.pdf")
@licence_required
def download(document_id: str) -> Any:
    """One of this account's documents again; anything else is a 404."""
    if not _ID.fullmatch(document_id):
        abort(404)
    account = current_account()
    with current_portal().sessions() as db:
        row = db.execute(select(PortalDocument.pdf, PortalDocument.kind,
                                PortalDocument.document_id)
                         .where(PortalDocument.id == document_id,
                                PortalDocument.account_id == account.id)).one_or_none()
    if row is None:
        abort(404)
    return _pdf_response(row.pdf, f"{row.kind}-{row.document_id}.pdf")
