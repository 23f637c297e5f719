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
are spent, so a hopeless text costs well under a second. A truncated value (<RS>) is tried
after plain <GS> splits fail, one field at a time.
Measured on the 136 signed vectors of ``../shared`` with every separator removed: 134 repaired
(4 s in all; every driving-licence code among them), 2 refused as unrepairable, none wrongly:
the signature confirms every repair.
Also repaired: visible separator markers (``<GS>`` as zxing-cpp's text mode prints them, or the
Unicode control pictures ␝ ␞ ␟) and trailing CR/LF typed by the scanner's "Enter" suffix.
Every repair is reported; a text that cannot be repaired gets ``WEDGE_UNREPAIRABLE``.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from twoddoc import SignatureError, TwoDDocError, decode, verify_signature
from twoddoc.base32 import ALPHABET, b32decode
from twoddoc.c40 import CHARACTERS
from twoddoc.catalog import DATA_IDS, DataId, DocumentType, document_type
from twoddoc.header import HEADER_LENGTHS, parse_header
from twoddoc.signing import verify_raw
from verifier.policy import Failure
from verifier.reasons import Reason
from verifier.trust import LeafCertificate, TrustStore

__all__ = ["MAX_CANDIDATES", "RepairOutcome", "base32_length", "repair_text"]

GS, RS, US = "\x1d", "\x1e", "\x1f"
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


def repair_text(text: str, trust: TrustStore) -> RepairOutcome:
    """Restore dropped separators of ``text`` when the format and the signature allow it.

    Returns the text unchanged when it needs no repair (it has its separators, or verifies as
    it is) or is no 2D-Doc at all (the decoder then says why).
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
    search = _Search(text, head_len, table, keyed, document_type(header.doc_type, header.perimeter))
    found = search.run()
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
        doc_type: DocumentType | None = None,
    ) -> None:
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
        try:
            verify_raw(signature, data.encode("latin-1"), leaf.public_key)
        except SignatureError:
            return False
        return True

    def _messages(self, message: str) -> Iterator[str]:
        """Candidate messages with separators, most plausible first.

        Splits come cheapest first (:meth:`_Splitter.best_first`); then each <GS> of the first
        splits is retried as <RS>, the terminator of a truncated value (§3.4.1, annex 11).
        """
        splits = _Splitter(message, self.table, self.doc_type)
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


#: Steps the split enumeration may take for one text, dead ends included.
MAX_STEPS = 60_000
#: Costs of an implausible split: a value outside its DI's characters, a DI from another
#: catalogue section than the previous one, a DI not after the previous one in catalogue order,
#: a DI seen twice, a <GS> after the last value.
#: For the document types the catalogue tabulates (§8), a DI the type does not allow costs more.
_MISFIT, _SWITCH, _DESCENDING, _REPEAT, _TRAILING, _FOREIGN, _MISSING = 2, 1, 1, 4, 1, 6, 4
_INFINITE = 1 << 30


#: Letter/digit alternations a free-text value may have before they cost (``J07BX03`` has 3);
#: hexadecimal values (hashes, document ids such as EDF's DI 01) alternate freely.
_PLAIN_CHANGES = 3
_HEXLIKE = frozenset("0123456789ABCDEF")


def _kind_changes(value: str) -> int:
    """How often a value alternates between letters and digits (spaces and signs ignored).

    A value that swallowed the next fields (``TOULON67BR5T1551``) alternates far more than a
    name, a city, an address or a reference does.
    """
    changes, last = 0, ""
    for ch in value:
        kind = "d" if ch.isdigit() else "a" if ch.isalpha() else ""
        if kind:
            if last and kind != last:
                changes += 1
            last = kind
    return changes


class _Splitter:
    """All ways to cut a separator-less message into catalogue fields (§3.4.1), cheapest first.

    A cut is ``(position, separator)``: the separator is inserted before ``message[position]``
    (or at the end). The cost of a split counts what makes it implausible: values outside their
    DI's documented characters (real codes do it: 59 of the 140 shared vectors have one, e.g.
    ``/`` in a DI ``10`` name, so it is a cost, not a ban), changes of catalogue section between
    consecutive DIs (a document draws its fields from its own section of §7), DIs out of
    catalogue order (issuers mostly write them in order), a DI appearing twice and an optional
    trailing <GS>; and, for the types whose fields §8 lists, a DI the type does not allow and
    each mandatory DI the split lacks.

    Every cost but the repeat depends only on where a field starts and ends, so a dynamic
    programme from the end of the message gives the exact cheapest cost to finish from each
    position (infinite where the rest cannot be split at all). That is an admissible A*
    heuristic: :meth:`best_first` walks straight to the cheapest split, then the next ones.
    """

    def __init__(
        self, message: str, table: Mapping[str, DataId], doc_type: DocumentType | None = None
    ) -> None:
        self.message = message
        self.table = table
        self.doc_type = doc_type
        self.n = len(message)
        self.steps = 0
        self.exhausted = False
        self._moves: list[list[tuple[int, int, str | None]]] = [[] for _ in range(self.n + 1)]
        self._rest = [_INFINITE] * (self.n + 1)
        self._rest[self.n] = 0
        for pos in range(self.n - 1, -1, -1):
            self._plan(pos)

    def _plan(self, pos: int) -> None:
        """Record the moves from ``pos`` that can finish, and the cheapest cost to finish."""
        message, n = self.message, self.n
        if pos + 2 > n:
            return
        di = message[pos : pos + 2]
        entry = self.table.get(di)
        if entry is None:
            return
        start = pos + 2
        if entry.fixed:
            lengths: range = range(entry.min, entry.min + 1)
        else:
            longest = n - start if entry.max is None else min(entry.max, n - start)
            lengths = range(entry.min, longest + 1)
        allowed = CHARACTERS[entry.charset]
        moves = self._moves[pos]
        best = _INFINITE
        foreign = _FOREIGN if self.doc_type and not self.doc_type.allows(entry) else 0
        for length in lengths:
            end = start + length
            if end > n or self._rest[end] == _INFINITE:
                continue
            value = message[start:end]
            cost = foreign + (0 if allowed.issuperset(value) else _MISFIT)
            if not entry.fixed and length > 4 and not _HEXLIKE.issuperset(value):
                cost += max(0, _kind_changes(value) - _PLAIN_CHANGES)
            if end == n:
                options: tuple[str | None, ...] = (None,) if entry.fixed else (None, GS)
            else:
                nxt = self.table[message[end : end + 2]]  # finite rest: a catalogue DI
                cost += (_SWITCH if nxt.section != entry.section else 0) + (
                    _DESCENDING if nxt.di <= di else 0
                )
                if entry.fixed:
                    options = (None,)
                elif entry.max is not None and length == entry.max:
                    options = (GS, None)  # a value at its maximum needs no separator (§3.4.1)
                else:
                    options = (GS,)
            for sep in options:
                step = cost + (_TRAILING if end == n and sep else 0)
                moves.append((step, end, sep))
                best = min(best, step + self._rest[end])
        self._rest[pos] = best

    @property
    def splittable(self) -> bool:
        """True when at least one split of the whole message fits the catalogue."""
        return self._rest[0] < _INFINITE

    def best_first(self) -> Iterator[tuple[tuple[int, str], ...]]:
        """Complete splits of the message in order of increasing cost (A* search)."""
        if not self.splittable:
            return
        counter = 0
        heap: list[tuple[int, int, int, int, tuple[tuple[int, str], ...], frozenset[str]]] = [
            (self._rest[0], 0, 0, 0, (), frozenset())
        ]
        mandatory = frozenset(self.doc_type.mandatory) if self.doc_type else frozenset()
        while heap:
            f, _, cost, pos, cuts, used = heapq.heappop(heap)
            if pos == self.n:
                missing = len(mandatory - used)
                if missing and f == cost:  # charge missing mandatory DIs once, then requeue
                    counter += 1
                    charged = cost + _MISSING * missing
                    heapq.heappush(heap, (charged, counter, charged, pos, cuts, used | mandatory))
                    continue
                yield cuts
                continue
            di = self.message[pos : pos + 2]
            base = cost + (_REPEAT if di in used else 0)
            seen = used | {di}
            for step, end, sep in self._moves[pos]:
                self.steps += 1
                if self.steps > MAX_STEPS:
                    self.exhausted = True
                    return
                counter += 1
                g = base + step
                new_cuts = (*cuts, (end, sep)) if sep else cuts
                heapq.heappush(heap, (g + self._rest[end], counter, g, end, new_cuts, seen))

    def render(self, cuts: Sequence[tuple[int, str]]) -> str:
        """The message with the separators of ``cuts`` inserted."""
        out, last = [], 0
        for pos, sep in cuts:
            out.append(self.message[last:pos])
            out.append(sep)
            last = pos
        out.append(self.message[last:])
        return "".join(out)
