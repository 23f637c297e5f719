"""``permis2d verify``: verify 2D-Doc texts, images or PDFs and report both verdicts.

Each FILE holds one raw barcode text, control characters as bytes (read as bytes, decoded as
latin-1, so a byte is a character; one trailing newline is ignored), or an image (PNG, JPEG,
WebP, TIFF) or PDF, which is scanned first (:func:`verifier.scan.scan`, like the service: the
product's own PDFs verify as they are); ``-`` reads standard input. Only regular files and
standard input are read: a FIFO or a device would block or never end, so it is refused (exit 2)
before any read. The trust store is loaded once for the whole call (``--trust``, repeatable, else
``PERMIS2D_VERIFIER_TRUST``); with none at all nothing verifies (fail closed) and a warning says
so. ``--at`` is the verification date, default today in France, read here and nowhere else.
A CRL's freshness is judged on the real today whatever ``--at`` (``CRL_STALE`` past its
``nextUpdate``, RFC 5280 §5.1.2.5, fail closed as in the service): a stale list may miss a recent
revocation, and moving the document's date does not make today's list current.

Two verdicts (issue 9): the document's (``valid``: authentic and in force) and, for a
driving-licence document (type ``AB``) whose signature verified, the driving rights it certifies
(:mod:`verifier.driving`: annex-13 state and categories).

Output: with ``--json``, one JSON object per 2D-Doc on one line, in input order, with ``driving``
when there is one; otherwise a readable report with both verdicts and labelled fields. Exit
codes, the gravest of all inputs: 2 some input unreadable (unreadable or refused file, not a
2D-Doc, malformed header, no 2D-Doc in an image) or an unusable trust source; 1 some document
invalid; 3 every document valid but some licence does not allow driving (suspended, cancelled,
invalidated…); 0 only when every document is valid *and* allows driving. A 2D-Doc whose header
reads but whose message or signature zone is broken fails ``parsed`` and is *invalid* (exit 1).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from permis2d.params import DATE, french_today
from permis2d.settings import Settings, SettingsError
from verifier.driving import DrivingVerdict, driving_verdict, freshness
from verifier.labels import labelled_fields
from verifier.policy import Check, VerificationResult, unreadable_result, verify_text
from verifier.reasons import Reason
from verifier.scan import NotATwoDDocError, ScanError, UnsupportedFormatError, scan, sniff_format
from verifier.scan_limits import ScanLimits
from verifier.trust import TrustStore, TrustStoreError
from verifier.tsl_signature import load_tsl_signers

__all__ = ["MAX_INPUT_BYTES", "InputTooLargeError", "NotRegularFileError", "read_bytes",
           "read_input", "verify_command"]

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE, EXIT_NOT_ALLOWED = 0, 1, 2, 3
#: Gravity of each exit code: the batch exits with the gravest.
_GRAVITY = {EXIT_VALID: 0, EXIT_NOT_ALLOWED: 1, EXIT_INVALID: 2, EXIT_UNREADABLE: 3}


#: The largest input read: a DataMatrix holds at most 3,116 characters (ISO/IEC 16022), so
#: anything far bigger is no barcode text and is refused before it fills memory.
MAX_INPUT_BYTES = 64 * 1024


class InputTooLargeError(OSError):
    """An input is far larger than any 2D-Doc text."""


class NotRegularFileError(OSError):
    """An input names a FIFO, a device, a socket or a folder: never read (it may never end)."""


def read_bytes(name: str, limit: int) -> bytes:
    """The bytes of one input (``-`` is stdin), at most ``limit`` + 1 of them.

    The file is opened without blocking and checked with ``fstat`` before any read: opening a
    FIFO for reading would otherwise wait for a writer, and reading a device may never end.
    """
    if name == "-":
        return sys.stdin.buffer.read(limit + 1)
    fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode) \
                else "a device or socket"
            raise NotRegularFileError(f"{kind}, not a regular file: verify reads regular files"
                                      " and standard input (-) only")
        return handle.read(limit + 1)


def read_input(name: str) -> str:
    """Read one input text: bytes as latin-1 characters, one trailing newline dropped.

    Raises ``OSError`` when the file cannot be read, is not a regular file or exceeds
    :data:`MAX_INPUT_BYTES`.
    """
    data = read_bytes(name, MAX_INPUT_BYTES)
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(f"more than {MAX_INPUT_BYTES} bytes: not a 2D-Doc text")
    return _text(data)


def _text(data: bytes) -> str:
    if data.endswith(b"\r\n"):
        data = data[:-2]
    elif data.endswith(b"\n"):
        data = data[:-1]
    return data.decode("latin-1")


def _settings(ctx: click.Context) -> Settings:
    found = ctx.find_object(Settings)
    if found is not None:
        return found
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


def _texts(name: str) -> list[str] | VerificationResult:
    """The 2D-Doc texts of one input: itself when it is a text, else what the scanner reads."""
    limits = ScanLimits()
    try:
        data = read_bytes(name, limits.max_bytes)
    except OSError as exc:
        return unreadable_result(Reason.INPUT_UNREADABLE, f"{name}: {exc.strerror or exc}")
    try:
        sniff_format(data)
    except (UnsupportedFormatError, ScanError):
        if len(data) > MAX_INPUT_BYTES:
            return unreadable_result(Reason.INPUT_UNREADABLE, f"{name}: more than "
                                     f"{MAX_INPUT_BYTES} bytes: not a 2D-Doc text, nor an "
                                     "image or PDF")
        return [_text(data)]
    try:
        return scan(data, limits=limits)
    except NotATwoDDocError as exc:
        return unreadable_result(Reason.NOT_2DDOC, f"{name}: {exc}")
    except ScanError as exc:
        return unreadable_result(Reason.INPUT_UNREADABLE, f"{name}: {exc}")
    except Exception as exc:  # a decoder library failing on a hostile file: unreadable
        return unreadable_result(Reason.INPUT_UNREADABLE, f"{name}: {type(exc).__name__}")


def _verify_one(name: str, trust: TrustStore, at: dt.date, repair: bool,
                today: dt.date) -> list[VerificationResult]:
    found = _texts(name)
    if isinstance(found, VerificationResult):
        return [found]
    results = []
    for text in found:
        try:
            results.append(verify_text(text, trust, at=at, repair=repair, today=today))
        except Exception as exc:  # last resort: one report line per input, never a crash
            results.append(unreadable_result(Reason.INTERNAL_ERROR,
                                             f"{type(exc).__name__}: {exc}"))
    return results


def _driving(result: VerificationResult) -> DrivingVerdict | None:
    """The driving verdict, only for a text whose signature verified (a forgery proves nothing)."""
    if result.document is None or result.checks.get(Check.SIGNATURE) is not True:
        return None
    return driving_verdict(result.document)


def exit_code(result: VerificationResult) -> int:
    """2 unreadable, 1 invalid, 3 valid but the licence does not allow driving, 0 both hold."""
    if not result.readable:
        return EXIT_UNREADABLE
    if not result.valid:
        return EXIT_INVALID
    verdict = _driving(result)
    if verdict is not None and not verdict.allowed:
        return EXIT_NOT_ALLOWED
    return EXIT_VALID


def _age(result: VerificationResult, at: dt.date) -> str | None:
    """An RIR/RII's issue date and age; past four months, the advice to ask for an ADCS."""
    fresh = freshness(result.document, at) if result.document is not None else None
    if fresh is None:
        return None
    line = f"  issued: {fresh.issued.isoformat()}, {fresh.age_days} days before {at.isoformat()}"
    if fresh.stale:
        line += (" — OLDER THAN FOUR MONTHS: the licence state may have changed since; ask for"
                 " a recent ADCS")
    return line


def _human(name: str, result: VerificationResult, at: dt.date, *, repair: bool = False) -> str:
    if result.valid:
        verdict = "VALID"
    elif result.readable:
        verdict = "INVALID"
    else:
        verdict = "UNREADABLE"
    driving = _driving(result)
    lines = [f"{name}: {verdict}"]
    if driving is not None and result.valid:
        lines[0] += " — driving " + ("allowed" if driving.allowed else "NOT ALLOWED")
        allowed = "ALLOWED" if driving.allowed else "NOT ALLOWED"
        lines.append(f"  driving: {allowed} — {driving.message_en}")
        if not driving.allowed:
            lines.append("  document: authentic and in force (the licence itself does not"
                         " allow driving)")
    elif driving is not None:
        # An expired or revoked paper proves nothing today: "INVALID — driving allowed" would
        # be the contradiction issue 9 removed from the page. Say what it showed, as history.
        lines.append(f"  driving: NOT ESTABLISHED — the document is not valid; it showed the "
                     f"licence {driving.label_en}, categories "
                     f"{' '.join(driving.categories) or 'none'}")
    age = _age(result, at) if result.checks.get(Check.SIGNATURE) is True else None
    if age is not None:
        lines.append(age)
    if result.repaired:
        lines.append("  repaired: separators restored (keyboard-wedge scanner)")
    by_check = {f.reason.check: f for f in result.failures}
    for check in Check:
        outcome = result.checks.get(check)
        mark = {True: "ok  ", False: "FAIL", None: "--  "}[outcome]
        line = f"  [{mark}] {check.value}"
        failure = by_check.get(check)
        if failure is not None:
            line += f": {failure.reason.code}: {failure.reason.message_en}"
            if failure.detail:
                line += f" ({failure.detail})"
        elif outcome is None:
            line += " (not evaluated)"
        lines.append(line)
    doc = result.document
    if doc is not None:
        h = doc.header
        lines.append(
            f"  header: v{h.version:02d} CA {h.ca_id} certificate {h.cert_id} type {h.doc_type}"
            f" emitted {h.emission_date or '-'} signed {h.signature_date or '-'}"
        )
        if h.ca_id == "FR00":
            lines.append("  specimen: CA FR00 is the range the specification reserves for tests"
                         " (a test document, no value)")
        width = max((len(f["label_en"]) for f in labelled_fields(doc)), default=0)
        lines.extend(f"    {f['label_en']:<{width}}  {f['display_en']}   [{f['di']} {f['value']}]"
                     for f in labelled_fields(doc))
    lines.extend(f"  note: {note}" for note in result.notes)
    if not repair and result.checks.get(Check.PARSED) is False and _wedged(result.text) \
            and not any("--repair" in note for note in result.notes):
        lines.append("  hint: the text has no <GS>/<RS> separators, as a hand scanner in "
                     "keyboard mode types it: retry with --repair")
    return "\n".join(lines)


def _wedged(text: str | None) -> bool:
    return bool(text) and text.startswith("DC") and not any(c in text for c in "\x1d\x1e\x1f")


@click.command()
@click.option(
    "--trust",
    "trust_paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of PEM/DER certificates and CRLs, exported trust folder, or ANTS TSL XML file "
    "(repeatable). Default: PERMIS2D_VERIFIER_TRUST.",
)
@click.option("--tsl-signer", "tsl_signers", multiple=True, type=click.Path(path_type=Path),
              help="A pinned TSL signer certificate (repeatable). Default: PERMIS2D_TSL_SIGNERS.")
@click.option("--at", "at", type=DATE, help="Verification date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input, one per line.")
@click.option(
    "--repair", is_flag=True, help="Repair texts whose separators a keyboard-wedge scanner lost."
)
@click.argument("inputs", nargs=-1, required=True)
@click.pass_context
def verify_command(
    ctx: click.Context,
    trust_paths: Sequence[Path],
    tsl_signers: Sequence[Path],
    at: dt.date | None,
    as_json: bool,
    repair: bool,
    inputs: Sequence[str],
) -> None:
    """Verify 2D-Doc texts, images or PDFs in FILE... (or - for stdin): both verdicts.

    Exit status: 0 every document valid and allowing driving, 3 valid but some licence does
    not allow driving, 1 some invalid, 2 some unreadable.
    """
    paths = tuple(trust_paths) or _settings(ctx).verifier_trust
    try:
        pins = load_tsl_signers(tuple(tsl_signers) or _settings(ctx).tsl_signers)
        trust = TrustStore.load(paths, tsl_signers=pins)
    except TrustStoreError as exc:
        click.echo(f"Error: trust store: {exc}", err=True)
        ctx.exit(EXIT_UNREADABLE)
    for note in trust.notes:
        click.echo(f"Warning: trust: {note}", err=True)
    if trust.is_empty:
        click.echo(
            "Warning: the trust store is empty (no --trust, no PERMIS2D_VERIFIER_TRUST): "
            "no document can be valid",
            err=True,
        )
    # Read the clock once: ``today`` judges the CRLs' freshness (a CRL past its nextUpdate
    # fails with CRL_STALE, as in the service); ``--at`` moves the document's date, not that.
    today = french_today()
    if at is None:
        at = today
    status = EXIT_VALID
    out = sys.stdout  # one write per JSON line; click.echo's per-call checks cost more
    for name in inputs:
        results = _verify_one(name, trust, at, repair, today)
        for index, result in enumerate(results):
            label = name if len(results) == 1 else f"{name} [{index + 1}/{len(results)}]"
            if as_json:
                line = {"input": name, **result.to_json()}
                if len(results) > 1:
                    line["symbol"] = index + 1
                driving = _driving(result)
                if driving is not None:
                    line["driving"] = driving.to_json()
                    fresh = freshness(result.document, at) if result.document else None
                    if fresh is not None:
                        line["freshness"] = fresh.to_json()
                out.write(json.dumps(line) + "\n")
            else:
                click.echo(_human(label, result, at, repair=repair))
            code = exit_code(result)
            if _GRAVITY[code] > _GRAVITY[status]:
                status = code
    out.flush()
    ctx.exit(status)
