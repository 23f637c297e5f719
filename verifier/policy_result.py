"""The report of one verification: a frozen result, and the accumulator the policy fills.

Why apart from the checks: the result is what every caller reads (the CLI's exit code, the
service's JSON and audit line, the disclosure rules), while the checks are what the
specification requires. A check records its outcome on a :class:`Report`; the policy freezes it
into a :class:`VerificationResult` once every check has run (STYLE §3: a frozen result built by
running each check and catching *our* errors). ``valid`` is the conjunction of every check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from twoddoc import Document
from verifier.reasons import Check, Failure, Reason
from verifier.trust import LeafCertificate

__all__ = ["Report", "VerificationResult", "unreadable_result"]


_CHECKS = tuple(Check)
_CHECK_KEYS = tuple((check, check.value) for check in _CHECKS)
_ORDER = {check: index for index, check in enumerate(_CHECKS)}

#: The failures that make an input unreadable rather than invalid (issue 3: exit code 2).
_UNREADABLE = frozenset(
    {Reason.INPUT_UNREADABLE, Reason.INTERNAL_ERROR, Reason.NOT_2DDOC, Reason.HEADER_INVALID}
)


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of every check on one text, frozen.

    ``checks`` maps each :class:`Check` to ``True``, ``False`` or ``None`` (not evaluated);
    ``failures`` names each failed check with a :class:`Reason`; ``document`` is the decoded
    document when parsing succeeded; ``certificate`` the signing certificate used.
    """

    checks: Mapping[Check, bool | None]
    failures: tuple[Failure, ...] = ()
    document: Document | None = None
    certificate: LeafCertificate | None = None
    repaired: bool = False
    notes: tuple[str, ...] = ()
    text: str | None = field(default=None, repr=False)

    @cached_property
    def valid(self) -> bool:
        """True only when every check passed (``None`` counts as not passed)."""
        checks = self.checks
        return all(checks.get(check) is True for check in _CHECKS)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons of the failures, in check order."""
        return tuple(f.reason for f in self.failures)

    @property
    def readable(self) -> bool:
        """False when the input is not a readable 2D-Doc at all; that gives the CLI's exit 2.

        Issue 3 names what is unreadable: an unreadable file, a text that is not a 2D-Doc, a
        malformed header. A text whose header reads but whose message or signature zone is
        broken (a cut or tampered code, a wedged text that could not be repaired) *is* a 2D-Doc,
        one that fails ``parsed``: it is reported invalid (exit 1), like any forgery.
        """
        if self.checks.get(Check.PARSED) is True:
            return True
        return not any(f.reason in _UNREADABLE for f in self.failures)

    def to_json(self) -> dict[str, Any]:
        """The report as JSON-ready data: valid, checks, reasons, header, fields, certificate."""
        doc_json: dict[str, Any] = self.document.to_json() if self.document is not None else {}
        out: dict[str, Any] = {
            "valid": self.valid,
            "checks": {key: self.checks.get(check) for check, key in _CHECK_KEYS},
            "reasons": [f.to_json() for f in self.failures],
            "header": doc_json.get("header"),
            "fields": doc_json.get("fields", []),
            "repaired": self.repaired,
            "notes": list(self.notes),
        }
        if self.document is not None and self.document.annex is not None:
            out["annex"] = doc_json.get("annex", self.document.annex)
        if self.certificate is not None:
            out["certificate"] = dict(self.certificate.summary)
        return out


class Report:
    """Accumulates check outcomes and failures while the policy runs (never leaves it)."""

    def __init__(self) -> None:
        self.checks: dict[Check, bool | None] = dict.fromkeys(_CHECKS)
        self.failures: list[Failure] = []
        self.notes: list[str] = []

    def ok(self, check: Check) -> None:
        """Record that ``check`` passed."""
        self.checks[check] = True

    def fail(self, reason: Reason, detail: str | None = None) -> None:
        """Record that ``reason.check`` failed, and why."""
        self.checks[reason.check] = False
        self.failures.append(Failure(reason, detail))

    def result(self, **kw: Any) -> VerificationResult:
        """Freeze the report, failures sorted in check order."""
        failures = sorted(self.failures, key=lambda f: _ORDER[f.reason.check])
        return VerificationResult(
            checks=dict(self.checks), failures=tuple(failures), notes=tuple(self.notes), **kw
        )


def unreadable_result(reason: Reason, detail: str) -> VerificationResult:
    """The report of an input that never reached the decoder (unreadable file, crash)."""
    report = Report()
    report.fail(reason, detail)
    return report.result()
