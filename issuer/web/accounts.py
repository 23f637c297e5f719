"""Accounts: sign-up, e-mail confirmation, log-in, log-out, password reset (issue 13, part 2).

No answer tells whether an e-mail has an account (Django ``contrib/auth``'s rule): sign-up and
reset always end on the same "check your mailbox" page, and the mailbox says what happened (a
sign-up for an address that already has an account gets a mail suggesting to log in or reset);
a failed log-in says "e-mail or password incorrect" after the same argon2 work, and the lockout is
keyed by the e-mail whether or not it has an account (:mod:`issuer.web.store`).
Links in mails are built from ``PERMIS2D_ISSUER_URL``, never from the request's Host header (which
an attacker chooses).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from issuer.web import current_portal, store
from issuer.web.auth import current_account, log_in, log_out, safe_next
from issuer.web.fc_login import end_fc_session
from issuer.web.forms import LoginForm, NewPasswordForm, ResetRequestForm, SignupForm
from issuer.web.i18n import gettext as _
from issuer.web.mail import build_message
from issuer.web.models import Account, PortalToken
from issuer.web.security import hash_token
from permis2d.params import FRENCH_TIME

__all__ = ["bp"]

bp = Blueprint("accounts", __name__)


def _link(endpoint: str, **values: str) -> str:
    """An absolute link for a mail, on the configured public URL of the portal."""
    return current_portal().settings.issuer_url.rstrip("/") + url_for(endpoint, **values)


def _mail(to: str, subject: str, body: str, link: str | None) -> None:
    portal = current_portal()
    portal.mailer.send(build_message(portal.settings.mail_from, to, subject, body), link=link)


def _confirmation_mail(email: str, token: str) -> tuple[str, str, str]:
    link = _link("accounts.confirm", token=token)
    body = _("Bonjour,\n\nPour confirmer votre adresse et activer votre compte permis2d, ouvrez ce "
             "lien dans les 12 heures :\n\n{link}\n\nSi vous n'avez pas créé de compte, ignorez "
             "ce message.\n", link=link)
    return _("Confirmez votre adresse e-mail"), body, link


@bp.get("/")
def home() -> Response:
    """The portal's entry: *Mes points* for a driver, the log-in page for anyone else."""
    return redirect(url_for("portal.points" if current_account() else "accounts.login"))


@bp.route("/inscription", methods=["GET", "POST"])
def signup() -> Response | tuple[str, int] | str:
    """Create an account (unconfirmed) and mail a confirmation link valid 12 hours."""
    form = SignupForm()
    if request.method == "GET":
        return render_template("portal/signup.html", form=form)
    if not form.validate():
        return render_template("portal/signup.html", form=form), 400
    portal = current_portal()
    now = portal.utcnow()
    email = store.normalise_email(form.email.data)
    mail: tuple[str, str, str | None]
    password_hash = portal.passwords.hash(form.password.data)  # the same cost either way
    try:
        with portal.sessions.begin() as db:
            existing = store.find_account(db, email)
            if existing is None:
                account = store.create_account(
                    db, email=email, password_hash=password_hash,
                    family_name=form.family_name.data, given_names=form.given_names.data,
                    birth_date=datetime.strptime(form.birth_date.data.strip(), "%Y-%m-%d").date(),
                    now=now)
                mail = _confirmation_mail(email, store.issue_token(db, account, "confirm", now=now))
            elif existing.confirmed_at is None:
                mail = _confirmation_mail(email, store.issue_token(db, existing, "confirm",
                                                                   now=now))
            else:
                mail = _existing_account_mail()
    except IntegrityError:  # the same address signed up twice at the same instant
        mail = _existing_account_mail()
    _mail(email, *mail)
    return redirect(url_for("accounts.signup_sent"), code=303)


def _existing_account_mail() -> tuple[str, str, str]:
    link = _link("accounts.reset_request")
    body = _("Bonjour,\n\nQuelqu'un (peut-être vous) a voulu créer un compte permis2d avec cette "
             "adresse, qui en a déjà un. Connectez-vous avec votre mot de passe ; si vous l'avez "
             "oublié, choisissez-en un nouveau ici :\n\n{link}\n\nSi ce n'était pas vous, "
             "ignorez ce message : votre compte n'a pas changé.\n", link=link)
    return _("Vous avez déjà un compte"), body, link


@bp.get("/inscription/envoyee")
def signup_sent() -> str:
    """The same page whether or not the address already had an account."""
    return render_template("portal/mail_sent.html", reason="signup")


@bp.get("/inscription/confirmer/<token>")
def confirm(token: str) -> Response | tuple[str, int]:
    """Confirm the address with the mailed link (single use, 12 hours)."""
    portal = current_portal()
    now = portal.utcnow()
    with portal.sessions.begin() as db:
        account = store.consume_token(db, token, "confirm", now=now)
        if account is not None and account.confirmed_at is None:
            account.confirmed_at = now
    if account is None:
        return render_template("portal/link_invalid.html", reason="confirm"), 400
    flash(_("Votre adresse est confirmée. Connectez-vous pour lier votre permis."), "success")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """Log in with e-mail and password; five failures in 15 minutes lock the e-mail 15 minutes."""
    form = LoginForm()
    if request.method == "GET":
        return render_template("portal/login.html", form=form)
    if not form.validate():
        return render_template("portal/login.html", form=form), 400
    portal = current_portal()
    now = portal.utcnow()
    subject = store.email_subject(form.email.data)
    resend: str | None = None
    with portal.sessions.begin() as db:
        until = store.locked_until(db, "login", subject, now=now)
        if until is not None:
            local = until.replace(tzinfo=UTC).astimezone(FRENCH_TIME).strftime("%H:%M")
            error = _("Trop de tentatives de connexion pour cette adresse. Réessayez après "
                      "{time} (heure de Paris), ou choisissez un nouveau mot de passe.",
                      time=local)
            return render_template("portal/login.html", form=form, error=error), 429
        account = store.find_account(db, form.email.data)
        ok = portal.passwords.verify(account.password_hash if account else None,
                                     form.password.data)
        if not ok or account is None:
            store.record_failure(db, "login", subject, now=now)
            error = _("Adresse e-mail ou mot de passe incorrect.")
            return render_template("portal/login.html", form=form, error=error), 400
        if account.confirmed_at is None:
            resend = store.issue_token(db, account, "confirm", now=now)
        else:
            store.clear_failures(db, "login", subject)
            if portal.passwords.needs_rehash(account.password_hash or ""):
                account.password_hash = portal.passwords.hash(form.password.data)
    if resend is not None:
        _mail(account.email, *_confirmation_mail(account.email, resend))
        error = _("Confirmez d'abord votre adresse : nous venons de vous renvoyer le lien "
                  "(valable 12 heures).")
        return render_template("portal/login.html", form=form, error=error), 403
    log_in(account, "password")
    return redirect(safe_next(request.args.get("next")) or url_for("portal.points"), code=303)


@bp.post("/deconnexion")
def logout() -> Response:
    """End the session (POST with ``csrf_token``: a link cannot log a driver out).

    A FranceConnect session also ends FranceConnect's: the browser goes to its ``end_session``.
    """
    fc_logout = end_fc_session()
    if fc_logout is not None:
        return fc_logout
    log_out()
    flash(_("Vous êtes déconnecté."), "success")
    return redirect(url_for("accounts.login"), code=303)


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
def reset_request() -> Response | tuple[str, int] | str:
    """Mail a reset link (valid one hour) when the address has an account; same page anyway."""
    form = ResetRequestForm()
    if request.method == "GET":
        return render_template("portal/reset_request.html", form=form)
    if not form.validate():
        return render_template("portal/reset_request.html", form=form), 400
    portal = current_portal()
    now = portal.utcnow()
    token: str | None = None
    with portal.sessions.begin() as db:
        account = store.find_account(db, form.email.data)
        if account is not None:
            token = store.issue_token(db, account, "reset", now=now)
            email = account.email
    if token is not None:
        link = _link("accounts.reset", token=token)
        body = _("Bonjour,\n\nPour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure "
                 ":\n\n{link}\n\nSi vous n'avez rien demandé, ignorez ce message : votre mot de "
                 "passe n'a pas changé.\n", link=link)
        _mail(email, _("Nouveau mot de passe"), body, link)
    return redirect(url_for("accounts.reset_sent"), code=303)


@bp.get("/mot-de-passe-oublie/envoye")
def reset_sent() -> str:
    """The same page whether or not the address has an account."""
    return render_template("portal/mail_sent.html", reason="reset")


def _token_usable(token: str) -> bool:
    portal = current_portal()
    with portal.sessions() as db:
        row = db.query(PortalToken).filter_by(token_sha256=hash_token(token),
                                              purpose="reset").one_or_none()
        return row is not None and row.used_at is None and row.expires_at > portal.utcnow()


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
def reset(token: str) -> Response | tuple[str, int] | str:
    """Choose a new password with the mailed link; every other session of the account ends."""
    form = NewPasswordForm()
    if len(token) > 100 or not _token_usable(token):
        return render_template("portal/link_invalid.html", reason="reset"), 400
    if request.method == "GET":
        return render_template("portal/reset.html", form=form, token=token)
    if not form.validate():
        return render_template("portal/reset.html", form=form, token=token), 400
    portal = current_portal()
    now = portal.utcnow()
    with portal.sessions.begin() as db:
        account: Account | None = store.consume_token(db, token, "reset", now=now)
        if account is not None:
            store.change_password(db, account, portal.passwords.hash(form.password.data))
            account.confirmed_at = account.confirmed_at or now  # the mailbox is proven
            store.clear_failures(db, "login", store.email_subject(account.email))
    if account is None:
        return render_template("portal/link_invalid.html", reason="reset"), 400
    log_out()
    flash(_("Votre mot de passe a été changé. Connectez-vous avec le nouveau."), "success")
    return redirect(url_for("accounts.login"), code=303)
