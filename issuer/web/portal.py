"""The driver's pages: licence linking, *Mes points* (+ ``.ics``), *Historique* (issue 13, 3-4).

Every query is scoped to the session's own licence: the NEPH comes from the logged-in account,
never from the request. "Today" is the Paris date (:meth:`issuer.web.Portal.today`), and the
balance is the points engine's at that date, as ``registry.records.load_driver_record`` gives it.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    session,
    url_for,
)

from issuer.web import current_portal, store
from issuer.web.auth import current_account, licence_required, login_required
from issuer.web.explain import history, reason_label, reason_short, state_label, status_label
from issuer.web.fc_login import FC_METHOD
from issuer.web.forms import LinkForm
from issuer.web.i18n import gettext as _
from issuer.web.ics import calendar_ics
from issuer.web.linking import account_matches
from issuer.web.models import Account
from issuer.web.timeline import timeline_rows
from registry.errors import NoLicenceError, UnknownNEPHError
from registry.records import DriverRecord, load_driver_record

__all__ = ["bp", "load_record", "points_page"]

bp = Blueprint("portal", __name__)


def load_record(neph: str) -> DriverRecord | None:
    """The record of ``neph`` today (Paris), or ``None`` when the registry no longer has it."""
    portal = current_portal()
    with portal.sessions() as db:
        try:
            return load_driver_record(db, neph, asof=portal.today())
        except (UnknownNEPHError, NoLicenceError):
            return None


def _missing_record() -> tuple[str, int]:
    return render_template("portal/record_missing.html"), 404


@bp.route("/permis", methods=["GET", "POST"])
@login_required
def link() -> Any:
    """First log-in: link the account to its licence (format and NEPH; identity must match)."""
    account = current_account()
    if account.neph:
        return redirect(url_for("portal.points"))
    form = LinkForm()
    if not form.is_submitted():
        return render_template("portal/link.html", form=form)
    if not form.validate():
        return render_template("portal/link.html", form=form), 400
    portal = current_portal()
    now = portal.utcnow()
    subject = str(account.id)
    with portal.sessions.begin() as db:
        if store.locked_until(db, "link", subject, now=now) is not None:
            error = _("Trop d'essais en une heure : la liaison du permis est bloquée pour une "
                      "heure. Vérifiez vos informations sur votre permis, puis réessayez.")
            return render_template("portal/link.html", form=form, error=error), 429
        try:
            record = load_driver_record(db, form.neph.data, asof=portal.today())
        except (UnknownNEPHError, NoLicenceError):
            record = None
        fc_identity = session.get("fc_identity") if session.get("method") == FC_METHOD else None
        if record is None or not account_matches(account.family_name, account.given_names,
                                                 account.birth_date, record, fc_identity):
            store.record_failure(db, "link", subject, now=now)
            error = _("Les informations ne correspondent pas à ce numéro de dossier. Vérifiez le "
                      "numéro sur votre permis ; votre nom, votre premier prénom et votre date de "
                      "naissance doivent être ceux du permis.")
            return render_template("portal/link.html", form=form, error=error), 400
        row = db.get(Account, account.id)
        row.neph = record.neph
        row.licence_format = form.format.data
        row.linked_at = now
        store.clear_failures(db, "link", subject)
    flash(_("Votre permis est lié à votre compte."), "success")
    return redirect(url_for("portal.points"), code=303)


@bp.get("/mes-points")
@licence_required
def points() -> Any:
    """The balance today, the warning, the state, the forecast timeline and its table."""
    return points_page(current_account().neph)


def points_page(neph: str) -> Any:
    """*Mes points* of ``neph``: one registry read, the engine, one template render.

    Separate from the view so that ``bench/bench_portal.py`` times exactly this work in process
    (the floor the served page is compared with).
    """
    record = load_record(neph)
    if record is None:
        return _missing_record()
    result = record.points
    today = current_portal().today()
    rows, height = timeline_rows(result.calendar, result.balance, today)
    return render_template(
        "portal/points.html",
        record=record,
        result=result,
        today=today,
        rows=rows,
        height=height,
        state=state_label(record.state),
        status=status_label(result.status),
        zero=result.balance == 0,
        ceiling=getattr(result, "ceiling", 12),
        reason_label=reason_label,
        reason_short=reason_short,
        probation_increments=[r for r in rows if getattr(r.reason, "value", r.reason)
                              == "probation_increment"],
    )


@bp.get("/mes-points/calendrier.ics")
@licence_required
def points_ics() -> Any:
    """The forecast restorations as an RFC 5545 calendar, one all-day event each."""
    account = current_account()
    record = load_record(account.neph)
    if record is None:
        return _missing_record()
    events = []
    for restoration in record.points.calendar:
        label, rule = reason_label(restoration.reason)
        summary = _("Permis : +{points} point(s) ({short})", points=restoration.points,
                    short=reason_short(restoration.reason))
        description = _("{label} ({rule}). Prévision faite le {today}, sans nouvelle infraction.",
                        label=label, rule=rule, today=current_portal().today().strftime("%d/%m/%Y"))
        events.append((restoration.date, summary, description))
    text = calendar_ics(events, owner_key=f"{current_app.secret_key}|{account.id}",
                        stamp=current_portal().utcnow(), name=_("Mes points de permis"))
    return Response(text, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="calendrier-points.ics"',
                             "Cache-Control": "no-store"})


@bp.get("/historique")
@licence_required
def timeline() -> Any:
    """Ten years of events, newest first, each line explaining itself."""
    account = current_account()
    record = load_record(account.neph)
    if record is None:
        return _missing_record()
    today = current_portal().today()
    return render_template("portal/history.html", record=record,
                           lines=history(record, today=today), today=today)
