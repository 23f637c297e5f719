"""The keyboard-wedge repair's search: the splits of a message into catalogue fields; its budget.

Why a module of its own: :mod:`verifier.wedge` decides *what* to try (signature positions, the
signature's verdict); this module enumerates the candidate splits cheapest first and meters the
work. The meter is shared by the whole repair of one text, whatever the number of signature
positions and certificates tried: issue 10 found a 526-character hostile text (a header naming
a trusted certificate, ``"42" * 100 + "A" * 300``) that ran a fresh, individually bounded search
for each of its 299 possible v04 annex positions, 80 s in all. Now the steps (dynamic programme
cells, A* moves, signature checks) and the wall-clock seconds of one repair are bounded together
(:class:`RepairBudget`), and running out raises :class:`RepairBudgetSpentError`, which the repair
reports as ``WEDGE_UNREPAIRABLE``.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from twoddoc.c40 import CHARACTERS
from twoddoc.catalog import DataId, DocumentType

__all__ = [
    "GS",
    "MAX_STEPS",
    "RS",
    "US",
    "Meter",
    "RepairBudget",
    "RepairBudgetSpentError",
    "Splitter",
]

GS, RS, US = "\x1d", "\x1e", "\x1f"


@dataclass(frozen=True)
class RepairBudget:
    """What the repair of one text may spend: search steps and wall-clock seconds.

    A step is one unit of search work (a dynamic-programme cell, an A* move, a signature
    position examined), about a microsecond; one signature check counts
    :data:`SIGNATURE_STEPS`. The defaults repair every signed vector of ``../shared`` (the
    hardest needs about 60,000 steps) and stop a hostile text within about a quarter second.
    """

    steps: int = 250_000
    seconds: float = 2.0


#: Steps charged for one ECDSA verification (≈ 80 µs for P-256).
SIGNATURE_STEPS = 60


class RepairBudgetSpentError(Exception):
    """The repair of one text spent its :class:`RepairBudget`; the text is unrepairable."""


class Meter:
    """Counts the steps of one repair and reads the clock every :data:`_CLOCK_EVERY` steps."""

    _CLOCK_EVERY = 2048

    def __init__(self, budget: RepairBudget, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget, self.clock = budget, clock
        self.start = clock()
        self.used = 0
        self._next_clock = self._CLOCK_EVERY

    def spend(self, steps: int = 1) -> None:
        """Charge ``steps``; raise :class:`RepairBudgetSpentError` once the budget is spent."""
        self.used += steps
        if self.used > self.budget.steps:
            raise RepairBudgetSpentError(f"{self.budget.steps} search steps spent")
        if self.used >= self._next_clock:
            self._next_clock = self.used + self._CLOCK_EVERY
            if self.clock() - self.start > self.budget.seconds:
                raise RepairBudgetSpentError(f"{self.budget.seconds:g} s spent")


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


class Splitter:
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
        self,
        message: str,
        table: Mapping[str, DataId],
        doc_type: DocumentType | None = None,
        meter: Meter | None = None,
    ) -> None:
        self.meter = meter or Meter(RepairBudget())
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
        # Each length slices and scans its value: charge the characters too, so a text made of
        # long values costs steps in proportion to the work it causes.
        self.meter.spend(len(lengths) * (1 + (lengths.start + lengths.stop) // 64))
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
            moves = self._moves[pos]
            self.meter.spend(len(moves))
            for step, end, sep in moves:
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
