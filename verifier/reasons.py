"""The verifier's vocabulary: the checks it runs and the reasons a check fails.

Every check of a verification is a :class:`Check` member whose value is the JSON key of the report
(``"signature"``, ``"chain_trusted"``…), and every failure carries a :class:`Reason` with a stable
code and one sentence in French and in English (the issue's wording; pretix pairs a stable code
with a human message the same way). A reason belongs to exactly one check, so a report can never
blame a check the reason does not concern.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Check", "Failure", "Reason", "ReasonDetail", "VerificationError"]


class Check(Enum):
    """One check of the verification policy; the value is its key in the JSON report.

    The order of the members is the order of the report. ``valid`` is the conjunction of all.
    """

    # Members hash by identity, in C: Enum's own __hash__ is Python code, and the report is a
    # dict keyed by checks, built for every text verified.
    __hash__ = object.__hash__

    PARSED = "parsed"
    CERTIFICATE_KNOWN = "certificate_known"
    SIGNATURE = "signature"
    CHAIN_TRUSTED = "chain_trusted"
    CERTIFICATE_VALID_AT_SIGNATURE = "certificate_valid_at_signature"
    CERTIFICATE_NOT_REVOKED = "certificate_not_revoked"
    DOCUMENT_NOT_EXPIRED = "document_not_expired"
    DATES_NOT_IN_FUTURE = "dates_not_in_future"
    DOCUMENT_TYPE_KNOWN = "document_type_known"
    MANDATORY_FIELDS_PRESENT = "mandatory_fields_present"
    FIELDS_CONFORM = "fields_conform"


@dataclass(frozen=True)
class ReasonDetail:
    """What a :class:`Reason` says: the check it fails and a sentence in French and English."""

    check: Check
    message_fr: str
    message_en: str


class Reason(Enum):
    """Why a check failed: a stable code (the member name) and its bilingual sentence."""

    __hash__ = object.__hash__

    INPUT_UNREADABLE = ReasonDetail(
        Check.PARSED,
        "L'entrée n'a pas pu être lue.",
        "The input could not be read.",
    )
    INTERNAL_ERROR = ReasonDetail(
        Check.PARSED,
        "Erreur interne du vérificateur sur cette entrée ; elle n'est pas jugée valide.",
        "The verifier failed on this input; it is not considered valid.",
    )
    NOT_2DDOC = ReasonDetail(
        Check.PARSED,
        "Le texte n'est pas un 2D-Doc (il doit commencer par « DC » suivi d'une version).",
        "The text is not a 2D-Doc (it must start with 'DC' and a version).",
    )
    HEADER_INVALID = ReasonDetail(
        Check.PARSED,
        "L'en-tête du 2D-Doc est mal formé.",
        "The 2D-Doc header is malformed.",
    )
    MESSAGE_INVALID = ReasonDetail(
        Check.PARSED,
        "Le message du 2D-Doc est mal formé.",
        "The 2D-Doc message is malformed.",
    )
    SIGNATURE_MALFORMED = ReasonDetail(
        Check.PARSED,
        "La signature du 2D-Doc est absente ou mal encodée.",
        "The 2D-Doc signature is missing or badly encoded.",
    )
    WEDGE_UNREPAIRABLE = ReasonDetail(
        Check.PARSED,
        "Le texte a perdu ses séparateurs (lecteur en mode clavier) et n'a pas pu être réparé.",
        "The text lost its separators (keyboard-wedge scanner) and could not be repaired.",
    )
    CERTIFICATE_UNKNOWN = ReasonDetail(
        Check.CERTIFICATE_KNOWN,
        "Le certificat désigné par l'en-tête est inconnu du magasin de confiance.",
        "The certificate named by the header is not in the trust store.",
    )
    SIGNATURE_INVALID = ReasonDetail(
        Check.SIGNATURE,
        "La signature ne correspond pas aux données : le document a été modifié ou mal lu.",
        "The signature does not match the data: the document was altered or misread.",
    )
    CHAIN_NOT_VERIFIED = ReasonDetail(
        Check.CHAIN_TRUSTED,
        "Le certificat de l'autorité émettrice est absent : la chaîne n'a pas pu être vérifiée.",
        "The issuing authority's certificate is missing: the chain could not be verified.",
    )
    CHAIN_INVALID = ReasonDetail(
        Check.CHAIN_TRUSTED,
        "Le certificat n'a pas été signé par l'autorité de certification qu'il désigne.",
        "The certificate was not signed by the certification authority it names.",
    )
    CA_NOT_TRUSTED = ReasonDetail(
        Check.CHAIN_TRUSTED,
        "L'autorité de certification n'est pas (ou plus) reconnue par la liste de confiance.",
        "The certification authority is not (or no longer) accepted by the trust list.",
    )
    SIGNATURE_DATE_MISSING = ReasonDetail(
        Check.CERTIFICATE_VALID_AT_SIGNATURE,
        "Le document ne porte ni date de signature ni date d'émission.",
        "The document carries neither a signature date nor an emission date.",
    )
    CERTIFICATE_NOT_YET_VALID = ReasonDetail(
        Check.CERTIFICATE_VALID_AT_SIGNATURE,
        "Le certificat n'était pas encore valide à la date de signature.",
        "The certificate was not yet valid at the signature date.",
    )
    CERTIFICATE_EXPIRED = ReasonDetail(
        Check.CERTIFICATE_VALID_AT_SIGNATURE,
        "Le certificat avait expiré à la date de signature.",
        "The certificate had expired at the signature date.",
    )
    CERTIFICATE_REVOKED = ReasonDetail(
        Check.CERTIFICATE_NOT_REVOKED,
        "Le certificat de signature a été révoqué.",
        "The signing certificate has been revoked.",
    )
    REVOCATION_UNKNOWN = ReasonDetail(
        Check.CERTIFICATE_NOT_REVOKED,
        "La liste de révocation de l'autorité est invalide : révocation non vérifiable.",
        "The authority's revocation list is invalid: revocation could not be checked.",
    )
    CRL_STALE = ReasonDetail(
        Check.CERTIFICATE_NOT_REVOKED,
        "La liste de révocation de l'autorité est périmée (date de prochaine mise à jour "
        "dépassée) : révocation non vérifiable.",
        "The authority's revocation list is stale (past its next update): revocation could "
        "not be checked.",
    )
    DOCUMENT_EXPIRED = ReasonDetail(
        Check.DOCUMENT_NOT_EXPIRED,
        "Le document a expiré (date de fin de validité dépassée).",
        "The document has expired (its expiry date has passed).",
    )
    EXPIRY_DATE_INVALID = ReasonDetail(
        Check.DOCUMENT_NOT_EXPIRED,
        "La date de fin de validité du document est illisible.",
        "The document's expiry date is unreadable.",
    )
    DATE_IN_FUTURE = ReasonDetail(
        Check.DATES_NOT_IN_FUTURE,
        "Une date de l'en-tête (émission ou signature) est postérieure à la date de contrôle.",
        "A header date (emission or signature) is later than the verification date.",
    )
    DOCUMENT_TYPE_UNKNOWN = ReasonDetail(
        Check.DOCUMENT_TYPE_KNOWN,
        "Le type de document est inconnu du catalogue 2D-Doc pour ce périmètre.",
        "The document type is not in the 2D-Doc catalogue for this perimeter.",
    )
    MANDATORY_FIELD_MISSING = ReasonDetail(
        Check.MANDATORY_FIELDS_PRESENT,
        "Une donnée obligatoire pour ce type de document est absente.",
        "A field mandatory for this document type is missing.",
    )
    HEADER_DATE_MISSING = ReasonDetail(
        Check.FIELDS_CONFORM,
        "Une date d'en-tête obligatoire est absente (FFFF).",
        "A mandatory header date is absent (FFFF).",
    )
    FIELD_UNKNOWN = ReasonDetail(
        Check.FIELDS_CONFORM,
        "Le code contient une donnée inconnue de la spécification 2D-Doc.",
        "The code holds a data identifier the 2D-Doc specification does not define.",
    )
    FIELD_FORBIDDEN = ReasonDetail(
        Check.FIELDS_CONFORM,
        "Le code contient une donnée interdite pour ce type de document.",
        "The code holds a field this document type forbids.",
    )
    FIELD_VALUE_INVALID = ReasonDetail(
        Check.FIELDS_CONFORM,
        "Une donnée n'a pas la forme que la spécification lui impose.",
        "A field's value does not have the form the specification requires.",
    )

    @property
    def code(self) -> str:
        """The stable code, e.g. ``"CERTIFICATE_REVOKED"``."""
        return self.name

    @property
    def check(self) -> Check:
        """The check this reason fails."""
        return self.value.check

    @property
    def message_fr(self) -> str:
        """The French sentence."""
        return self.value.message_fr

    @property
    def message_en(self) -> str:
        """The English sentence."""
        return self.value.message_en

    def to_json(self, detail: str | None = None) -> dict[str, str]:
        """The reason as the report's JSON object; ``detail`` adds what exactly was wrong."""
        out = {
            "code": self.code,
            "check": self.check.value,
            "message_fr": self.message_fr,
            "message_en": self.message_en,
        }
        if detail:
            out["detail"] = detail
        return out


@dataclass(frozen=True)
class Failure:
    """One failed check: its reason and, when useful, what exactly was wrong.

    It lives here, beside :class:`Reason`, so that the policy and the keyboard-wedge repair
    both use it without importing each other.
    """

    reason: Reason
    detail: str | None = None

    def to_json(self) -> dict[str, str]:
        """The report's reason object (code, check, message_fr, message_en, detail)."""
        return self.reason.to_json(self.detail)


class VerificationError(Exception):
    """Base of the verifier's errors (trust-store loading, unreadable input)."""
