"""Keyboard-wedge repair: restore the separators a hand scanner in keyboard mode dropped.

Why: a DataMatrix read by a scanner that "types" into a text field loses the control characters
<GS> (end of a variable-length value), <RS> (end of a truncated value) and <US> (start of the
signature), because a keyboard has no key for them (ARCHITECTURE.md, known traps; the spec itself
warns about "douchettes … en émulation clavier", §3.5.2 p.25-26). What is left is
``header + values + signature`` run together.

What the format lets us restore:

* the header has a fixed length per version (22/22/24/26 characters, §3.3);
* the signature's Base32 length is fixed by the curve of the *trusted certificate* the header
  names (103 characters for P-256, 154 for P-384, 212 for P-521, §3.5.2 table p.25), so the
  <US> goes that many characters before the end (or before an annex, v04 §3.6);
* fixed-length DIs need no separator and the catalogue gives every DI's length bounds (§3.4.1,
  §7), which delimits most values; where several splits remain, each candidate is checked
  against the signature — the signature decides, never a guess.

Lengths prune the search: a dynamic programme over positions keeps only splits that reach the
end of the message and prices each (values outside their DI's characters or alternating letters
and digits like swallowed fields do, DIs out of section or order, for ``AB``/``AA``/``A1`` DIs
the type does not allow or lacks); an A* search then offers the cheapest splits first, and at
most :data:`MAX_CANDIDATES` signature checks (≈ 80 µs each) and :data:`MAX_STEPS` search steps
are spent per split search; the whole repair of one text, whatever the number of signature
positions and certificates it tries, spends at most one :class:`RepairBudget` (250,000 steps,
2 s), so a hostile text of 4,096 characters costs a fraction of a second
(:mod:`verifier.wedge_split`). A truncated value (<RS>) is tried
after plain <GS> splits fail, one field at a time.
Measured on the 136 signed vectors of ``../shared`` with every separator removed: 134 repaired
(4 s in all; every driving-licence code among them), 2 refused as unrepairable, none wrongly:
the signature confirms every repair.
Also repaired: visible separator markers (``<GS>`` as zxing-cpp's text mode prints them, or the
Unicode control pictures ␝ ␞ ␟) and trailing CR/LF typed by the scanner's "Enter" suffix.
Every repair is reported; a text that cannot be repaired gets ``WEDGE_UNREPAIRABLE``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from twoddoc import SignatureError, TwoDDocError, decode, verify_signature
from twoddoc.base32 import ALPHABET, b32decode
from twoddoc.catalog import DATA_IDS, DataId, DocumentType, document_type
from twoddoc.header import HEADER_LENGTHS, parse_header
from twoddoc.signing import verify_raw
from verifier.reasons import Failure, Reason
from verifier.trust import LeafCertificate, TrustStore
from verifier.wedge_split import (
    GS,
    RS,
    SIGNATURE_STEPS,
    US,
    Meter,
    RepairBudget,
    RepairBudgetSpentError,
    Splitter,
)

__all__ = [
    "MAX_CANDIDATES",
    "RepairBudget",
    "RepairOutcome",
    "base32_length",
    "needs_search",
    "normalise",
    "repair_text",
]

_SEPARATORS = frozenset(GS + RS + US)
_BASE32 = frozenset(ALPHABET)
#: Signature checks spent on one text at most (≈ 0.4 s of ECDSA P-256 verification).
MAX_CANDIDATES = 3000
#: Visible stand-ins for the separators, as scanners and decoders print them.
_MARKERS = {
    "<GS>": GS, "<RS>": RS, "<US>": US,
    "\u241d": GS, "\u241e": RS, "\u241f": US,
}


@dataclass(frozen=True)
class RepairOutcome:
    """The text to verify, what was repaired (``notes``), or why it cannot be (``failure``)."""

    text: str
    failure: Failure | None = None
    notes: tuple[str, ...] = ()


def base32_length(raw_length: int) -> int:
    """Base32 characters of a ``raw_length``-byte signature without padding (103 for 64)."""
    return (raw_length * 8 + 4) // 5


def _normalise(text: str) -> tuple[str, list[str]]:
    """Replace visible separator markers and strip the scanner's trailing CR/LF."""
    notes: list[str] = []
    for marker, char in _MARKERS.items():
        if marker in text:
            text = text.replace(marker, char)
            notes.append(f"visible separator markers {marker!r} replaced by the control character")
    stripped = text.rstrip("\r\n")
    if stripped != text:
        notes.append("trailing CR/LF (the scanner's Enter key) removed")
    return stripped, notes


def normalise(text: str) -> str:
    """``text`` with visible separator markers replaced and the scanner's CR/LF removed."""
    return _normalise(text)[0]


def needs_search(text: str) -> bool:
    """True when :func:`repair_text` may search: a ``DC`` text without <GS>/<RS> once normalised.

    A text that keeps its <GS>/<RS> separators is repaired (markers, CR/LF) or left alone at no
    cost; only a text without them can start the split search, the costly part, which a
    service may want to run apart (issue 10: :mod:`verifier.decode_pool` runs it at low priority).
    """
    text, _ = _normalise(text)
    return text.startswith("DC") and GS not in text and RS not in text


def repair_text(
    text: str,
    trust: TrustStore,
    *,
    budget: RepairBudget | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RepairOutcome:
    """Restore dropped separators of ``text`` when the format and the signature allow it.

    Returns the text unchanged when it needs no repair (it has its separators, or verifies as
    it is) or is no 2D-Doc at all (the decoder then says why). The whole repair spends at most
    ``budget`` (steps and seconds, :class:`RepairBudget`); past it the text is unrepairable.
    """
    text, notes = _normalise(text)
    if not text.startswith("DC"):
        return RepairOutcome(text, None, tuple(notes))
    try:
        header = parse_header(text)
    except TwoDDocError:
        return RepairOutcome(text, None, tuple(notes))
    leaves = trust.candidates(header.ca_id, header.cert_id)
    keyed = [leaf for leaf in leaves if leaf.signature_length]
    if US in text:
        # Some scanners keep <US> but drop <GS>/<RS>: search only when the text as read has no
        # other separator and does not verify as it is.
        if not _SEPARATORS.isdisjoint(text.replace(US, "")) or _verifies_as_is(text, keyed):
            return RepairOutcome(text, None, tuple(notes))
        text = text.replace(US, "")
    head_len = HEADER_LENGTHS[header.version]
    table = DATA_IDS.get(header.perimeter)
    if not keyed:
        return _unrepairable(
            text, notes,
            f"certificate {header.ca_id}/{header.cert_id} is not in the trust store, so no"
            " signature can choose among the possible splits",
        )
    if header.version < 2:
        return _unrepairable(text, notes, "version 01 carries a binary signature (§3.5.2)")
    meter = Meter(budget or RepairBudget(), clock)
    search = _Search(text, head_len, table, keyed,
                     document_type(header.doc_type, header.perimeter), meter)
    try:
        found = search.run()
    except RepairBudgetSpentError as exc:
        return _unrepairable(
            text, notes,
            f"gave up: the repair budget is spent ({exc}) after {search.tried} candidate"
            " split(s); a text from a real code is repaired well within it",
        )
    if found is None:
        return _unrepairable(text, notes, search.explain())
    notes.append(
        "separators restored: the text came from a keyboard-wedge scanner that drops <GS>/<RS>/"
        f"<US>; the signature confirmed 1 of {search.tried} candidate split(s)"
    )
    return RepairOutcome(found, None, tuple(notes))


def _verifies_as_is(text: str, leaves: list[LeafCertificate]) -> bool:
    """True when ``text`` decodes and its signature holds with one of ``leaves``."""
    try:
        doc = decode(text, strict=False)
    except TwoDDocError:
        return False
    for leaf in leaves:
        try:
            verify_signature(doc, leaf.public_key)
        except SignatureError:
            continue
        return True
    return not leaves  # nothing to check with: leave the text to the policy


def _unrepairable(text: str, notes: list[str], detail: str) -> RepairOutcome:
    return RepairOutcome(text, Failure(Reason.WEDGE_UNREPAIRABLE, detail), tuple(notes))


class _Search:
    """Enumerate candidate texts for one wedged input and let the signature pick one."""

    def __init__(
        self,
        text: str,
        head_len: int,
        table: Mapping[str, DataId] | None,
        leaves: list[LeafCertificate],
        doc_type: DocumentType | None,
        meter: Meter,
    ) -> None:
        self.meter = meter
        self.doc_type = doc_type
        self.text = text
        self.head_len = head_len
        self.table = table or {}
        self.leaves = leaves
        self.tried = 0
        self.exhausted = False
        self.structural = 0

    def explain(self) -> str:
        """Why no candidate was confirmed, for the report."""
        if self.exhausted:
            return f"gave up after {self.tried} candidate splits (limit {MAX_CANDIDATES})"
        if self.structural == 0:
            return "no split of the message fits the data-identifier catalogue (§3.4, §7)"
        return f"none of the {self.tried} candidate splits verifies with the signature"

    def run(self) -> str | None:
        """The first candidate text whose signature verifies, or None."""
        text, head = self.text, self.text[: self.head_len]
        has_separators = not _SEPARATORS.isdisjoint(text)
        for leaf in self.leaves:
            length = base32_length(leaf.signature_length or 0)
            for sig_start, annex in self._signature_positions(length):
                signature_text = text[sig_start : sig_start + length]
                try:
                    signature = b32decode(signature_text)
                except TwoDDocError:
                    continue
                message = text[self.head_len : sig_start]
                tail = US + signature_text + (GS + annex if annex else "")
                if has_separators:
                    # Only <US> was lost: the message keeps its own separators.
                    messages: Iterator[str] = iter((message,))
                else:
                    messages = self._messages(message)
                for candidate in messages:
                    if self._verifies(head + candidate, signature, leaf):
                        return head + candidate + tail
                    if self.exhausted:
                        return None
        return None

    def _signature_positions(self, length: int) -> Iterator[tuple[int, str]]:
        """Where the signature may start: at the end, else before an annex (v04, §3.6)."""
        text = self.text
        end = len(text) - length
        if end >= self.head_len and _BASE32.issuperset(text[end:]):
            yield end, ""
        if text[2:4] != "04":
            return
        for start in range(end - 1, self.head_len - 1, -1):
            self.meter.spend()
            annex = text[start + length :]
            if len(annex) >= 2 and annex[:2] in self.table and _BASE32.issuperset(
                text[start : start + length]
            ):
                yield start, annex

    def _verifies(self, data: str, signature: bytes, leaf: LeafCertificate) -> bool:
        if self.tried >= MAX_CANDIDATES:
            self.exhausted = True
            return False
        self.tried += 1
        self.meter.spend(SIGNATURE_STEPS)
        try:
            verify_raw(signature, data.encode("latin-1"), leaf.public_key)
        except SignatureError:
            return False
        return True

    def _messages(self, message: str) -> Iterator[str]:
        """Candidate messages with separators, most plausible first.

        Splits come cheapest first (:meth:`Splitter.best_first`); then each <GS> of the first
        splits is retried as <RS>, the terminator of a truncated value (§3.4.1, annex 11).
        """
        splits = Splitter(message, self.table, self.doc_type, self.meter)
        kept: list[tuple[tuple[int, str], ...]] = []
        for cuts in splits.best_first():
            self.structural += 1
            if len(kept) < 32:
                kept.append(cuts)
            yield splits.render(cuts)
        for cuts in kept:
            for i, (pos, sep) in enumerate(cuts):
                if sep == GS:
                    yield splits.render([*cuts[:i], (pos, RS), *cuts[i + 1 :]])


