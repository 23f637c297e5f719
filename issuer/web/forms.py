"""The portal's forms (Flask-WTF: every form carries and checks the hidden ``csrf_token``).

Field names are the contract of issue 13 (``email``, ``password``, ``password_confirm``,
``family_name``, ``given_names``, ``birth_date``, ``accept_terms``, ``format``, ``neph``). Messages
are written in French and translated when the form is validated, so each error sits next to its
field in the language of the page (GOV.UK error-message pattern).
"""

from __future__ import annotations

import re
from datetime import date

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, PasswordField, StringField
from wtforms.validators import ValidationError

from issuer.web.i18n import gettext as _

__all__ = ["LinkForm", "LoginForm", "NewPasswordForm", "ResetRequestForm", "SignupForm"]

MIN_PASSWORD = 12
MAX_PASSWORD = 256  # argon2 hashes anything, but a request's work stays bounded
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NEPH = re.compile(r"[0-9A-Z]{5,19}")


def _required(field: Field, message: str) -> str:
    value = (field.data or "").strip() if isinstance(field.data, str) else field.data
    if not value:
        raise ValidationError(_(message))
    return value


def _check_email(field: Field) -> None:
    value = _required(field, "Indiquez votre adresse e-mail.")
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise ValidationError(_("Indiquez une adresse e-mail valide, par exemple nom@exemple.fr."))


def _check_new_password(field: Field) -> None:
    value = field.data or ""
    if len(value) < MIN_PASSWORD:
        raise ValidationError(_("Le mot de passe doit contenir au moins 12 caractères."))
    if len(value) > MAX_PASSWORD:
        raise ValidationError(_("Le mot de passe doit contenir au plus 256 caractères."))


def parse_birth_date(value: str, today: date) -> date:
    """A birth date written ``AAAA-MM-JJ``, in the past and after 1890 (else ValueError)."""
    if not _ISO_DATE.fullmatch(value):
        raise ValueError("format")
    day = date.fromisoformat(value)
    if not date(1890, 1, 1) <= day <= today:
        raise ValueError("range")
    return day


class SignupForm(FlaskForm):
    """``/inscription``: e-mail, password twice, identity as on the licence, terms."""

    email = StringField()
    password = PasswordField()
    password_confirm = PasswordField()
    family_name = StringField()
    given_names = StringField()
    birth_date = StringField()
    accept_terms = BooleanField()

    def validate_email(self, field: Field) -> None:
        _check_email(field)

    def validate_password(self, field: Field) -> None:
        _check_new_password(field)

    def validate_password_confirm(self, field: Field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_("Les deux mots de passe ne sont pas identiques."))

    def validate_family_name(self, field: Field) -> None:
        value = _required(field, "Indiquez votre nom de famille (ou d'usage).")
        if len(value) > 80:
            raise ValidationError(_("Le nom est trop long (80 caractères au plus)."))

    def validate_given_names(self, field: Field) -> None:
        value = _required(field, "Indiquez votre ou vos prénoms.")
        if len(value) > 120:
            raise ValidationError(_("Les prénoms sont trop longs (120 caractères au plus)."))

    def validate_birth_date(self, field: Field) -> None:
        value = _required(field, "Indiquez votre date de naissance.")
        try:
            parse_birth_date(value, current_app.config["PORTAL_TODAY"]())
        except ValueError as exc:
            raise ValidationError(
                _("Indiquez une date de naissance réelle, au format AAAA-MM-JJ.")) from exc

    def validate_accept_terms(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_("Acceptez les conditions d'utilisation pour continuer."))


class LoginForm(FlaskForm):
    """``/connexion``: e-mail and password."""

    email = StringField()
    password = PasswordField()

    def validate_email(self, field: Field) -> None:
        if len(_required(field, "Indiquez votre adresse e-mail.")) > 254:
            raise ValidationError(_("Indiquez une adresse e-mail valide."))

    def validate_password(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_("Indiquez votre mot de passe."))
        if len(field.data) > MAX_PASSWORD:
            raise ValidationError(_("Le mot de passe doit contenir au plus 256 caractères."))


class ResetRequestForm(FlaskForm):
    """``/mot-de-passe-oublie``: the e-mail to send a reset link to."""

    email = StringField()

    def validate_email(self, field: Field) -> None:
        _check_email(field)


class NewPasswordForm(FlaskForm):
    """``/mot-de-passe/nouveau/<token>``: the new password, twice."""

    password = PasswordField()
    password_confirm = PasswordField()

    def validate_password(self, field: Field) -> None:
        _check_new_password(field)

    def validate_password_confirm(self, field: Field) -> None:
        if field.data != self.password.data:
            raise ValidationError(_("Les deux mots de passe ne sont pas identiques."))


class LinkForm(FlaskForm):
    """``/permis``: the licence format (card or paper) and its NEPH."""

    format = StringField()
    neph = StringField()

    def validate_format(self, field: Field) -> None:
        if field.data not in ("card", "paper"):
            raise ValidationError(_("Choisissez le format de votre permis."))

    def validate_neph(self, field: Field) -> None:
        value = _required(field, "Indiquez le numéro de dossier (NEPH) de votre permis.")
        cleaned = re.sub(r"[\s-]", "", value).upper()
        if not _NEPH.fullmatch(cleaned):
            raise ValidationError(_("Le numéro de dossier compte de 5 à 19 chiffres ou lettres, "
                                    "sans autre signe."))
        field.data = cleaned
