"""The scanner's resource limits and its decode-time budget.

Why: the verifier reads files from anyone on the network. Without limits, a 100 000 × 100 000 PNG
that compresses to a few kilobytes, a PDF of a thousand pages or an image pylibdmtx cannot read
would hold a worker for minutes (ARCHITECTURE.md, "Known traps": pylibdmtx without a timeout can
block for a minute on a full page). The clock is injected so tests can run a budget down.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from verifier.scan_errors import DecodeBudgetError

__all__ = ["Deadline", "ScanLimits"]


@dataclass(frozen=True)
class ScanLimits:
    """What one scan may consume: bytes, pixels per image or page, pages, seconds."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_pages: int = 10
    budget_seconds: float = 8.0


@dataclass
class Deadline:
    """A point in time after which the scan gives up with :class:`DecodeBudgetError`."""

    seconds: float
    clock: Callable[[], float] = field(default=time.monotonic)
    start: float = field(init=False)

    def __post_init__(self) -> None:
        self.start = self.clock()

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.start + self.seconds - self.clock())

    def expired(self) -> bool:
        """True once the budget is spent."""
        return self.remaining() <= 0.0

    def check(self, what: str) -> None:
        """Raise :class:`DecodeBudgetError` naming the step about to run if time is up."""
        if self.expired():
            raise DecodeBudgetError(
                f"decode time budget of {self.seconds:g} s exhausted before {what}"
            )

    def pylibdmtx_timeout_ms(self, cap_seconds: float = 2.0) -> int:
        """A pylibdmtx ``timeout`` (milliseconds) that cannot overrun the budget."""
        return max(1, int(1000 * min(cap_seconds, self.remaining())))
