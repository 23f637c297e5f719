"""*Avis* (``/avis``): an account turns the e-mail notices of issue 15 on or off.

Why a page of its own: notices are on by default (a driver learns of a withdrawal when it happens),
and the choice must be one click away, behind the log-in and CSRF like every other form.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from issuer.agent.models import NoticeSetting
from issuer.web import current_portal
from issuer.web.auth import current_account, login_required
from issuer.web.i18n import gettext as _

__all__ = ["bp", "notices_enabled"]

bp = Blueprint("notice_settings", __name__)


def notices_enabled(session: Any, account_id: int) -> bool:
    """True unless the account turned notices off."""
    row = session.get(NoticeSetting, account_id)
    return row is None or row.enabled


@bp.route("/avis", methods=["GET", "POST"])
@login_required
def settings() -> Any:
    """Show the choice; on POST (CSRF checked by Flask-WTF) store it."""
    account = current_account()
    portal = current_portal()
    if request.method == "POST":
        enabled = request.form.get("enabled") == "y"
        with portal.sessions.begin() as session:
            row = session.get(NoticeSetting, account.id)
            if row is None:
                session.add(NoticeSetting(account_id=account.id, enabled=enabled))
            else:
                row.enabled = enabled
        flash(_("Avis activés.") if enabled else _("Avis désactivés."), "success")
        return redirect(url_for("notice_settings.settings"), code=303)
    with portal.sessions() as session:
        enabled = notices_enabled(session, account.id)
    return render_template("portal/notices.html", enabled=enabled)
