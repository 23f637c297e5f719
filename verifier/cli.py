"""``permis2d verify``: verify 2D-Doc texts from files or stdin and report every check.

Each FILE holds one raw barcode text, control characters as bytes (read as bytes, decoded as
latin-1, so a byte is a character); one trailing newline is ignored; ``-`` reads one text from
stdin. The trust store is loaded once for the whole call (``--trust``, repeatable, else
``PERMIS2D_VERIFIER_TRUST``); with none at all nothing verifies (fail closed) and a warning says
so. ``--at`` is the verification date, default today in France, read here and nowhere else.

Output: with ``--json``, one JSON object per input on one line, in input order; otherwise a
readable report per input. Exit codes: 0 every input valid, 1 some input invalid, 2 some input
unreadable (unreadable file, not a 2D-Doc, malformed header) or an unusable trust source. A
2D-Doc whose header reads but whose message or signature zone is broken fails ``parsed`` and is
*invalid* (exit 1), like any other forgery.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from permis2d.params import DATE, french_today
from permis2d.settings import Settings, SettingsError
from verifier.policy import Check, VerificationResult, unreadable_result, verify_text
from verifier.reasons import Reason
from verifier.trust import TrustStore, TrustStoreError
from verifier.tsl_signature import load_tsl_signers

__all__ = ["MAX_INPUT_BYTES", "InputTooLargeError", "read_input", "verify_command"]

EXIT_VALID, EXIT_INVALID, EXIT_UNREADABLE = 0, 1, 2


#: The largest input read: a DataMatrix holds at most 3,116 characters (ISO/IEC 16022), so
#: anything far bigger is no barcode text and is refused before it fills memory.
MAX_INPUT_BYTES = 64 * 1024


class InputTooLargeError(OSError):
    """An input is far larger than any 2D-Doc text."""


def read_input(name: str) -> str:
    """Read one input text: bytes as latin-1 characters, one trailing newline dropped.

    Raises ``OSError`` when the file cannot be read or exceeds :data:`MAX_INPUT_BYTES`.
    """
    if name == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
    else:
        with Path(name).open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES:
        raise InputTooLargeError(f"more than {MAX_INPUT_BYTES} bytes: not a 2D-Doc text")
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


def _verify_one(name: str, trust: TrustStore, at: dt.date, repair: bool) -> VerificationResult:
    try:
        text = read_input(name)
    except OSError as exc:
        return unreadable_result(Reason.INPUT_UNREADABLE, f"{name}: {exc.strerror or exc}")
    try:
        return verify_text(text, trust, at=at, repair=repair)
    except Exception as exc:  # last resort: one report line per input, never a crash
        return unreadable_result(Reason.INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")


def _human(name: str, result: VerificationResult) -> str:
    if result.valid:
        verdict = "VALID"
    elif result.readable:
        verdict = "INVALID"
    else:
        verdict = "UNREADABLE"
    lines = [f"{name}: {verdict}"]
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
        lines.extend(f"    {f.di} = {f.value}" for f in doc.fields)
    lines.extend(f"  note: {note}" for note in result.notes)
    return "\n".join(lines)


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
    """Verify 2D-Doc texts in FILE... (or - for stdin) and report each check.

    Exit status: 0 all valid, 1 some invalid, 2 some unreadable.
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
    if at is None:
        at = french_today()
    status = EXIT_VALID
    out = sys.stdout  # one write per JSON line; click.echo's per-call checks cost more
    for name in inputs:
        result = _verify_one(name, trust, at, repair)
        if as_json:
            out.write(json.dumps({"input": name, **result.to_json()}) + "\n")
        else:
            click.echo(_human(name, result))
        if not result.readable:
            status = EXIT_UNREADABLE
        elif not result.valid and status == EXIT_VALID:
            status = EXIT_INVALID
    out.flush()
    ctx.exit(status)
