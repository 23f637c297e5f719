"""The walk: one licence's timeline from its issue, change by change, cut at ``asof``.

Why one timeline: the engine applies every change it can know of (withdrawals, courses, probation
increments, and the restorations they start) in date order, then cuts the result at ``asof``: the
changes dated on or before it are the ledger, the automatic restorations after it the calendar
(RULES.md I8). The timeline does not depend on ``asof``, so the calendar at a date A is exactly what
the ledger shows at a later date B for (A, B] when no new event is added.

Changes of one day come in the order of I7: gains before losses (a right acquired on a day exists
from its start; a payment happens during it), the full restoration before the 6-month and 10-year
ones so that no point is given twice.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from datetime import date
from typing import Any

from registry.points.courses import CourseYear, credit_day
from registry.points.delays import Commissions, add_months
from registry.points.facts import (
    MAX_POINTS,
    PROBATION_INITIAL,
    Course,
    LicenceFacts,
    Offence,
    PointsError,
    check_asof,
    check_facts,
)
from registry.points.probation import Probation
from registry.points.restorations import (
    ONE_POINT_MONTHS,
    TEN_YEAR_MONTHS,
    FullRestoration,
    TenYearRestoration,
    full_restoration_delay,
)
from registry.points.results import (
    LedgerEntry,
    LedgerReason,
    PointsResult,
    PointsStatus,
    Restoration,
)
from registry.points.withdrawals import SimultaneousCap

__all__ = ["compute_points"]


# The order of the given changes that fall on one day (I7): the probation increment, then the
# restorations (full, 10 years, 6 months: see ``restore_before``), then courses, then withdrawals,
# then the receipt of the 48SI letter (I13: it notifies the balance at the end of the day's
# payments, so a letter received the day the balance reaches 0 invalidates it that day).
INCREMENT, COURSE, WITHDRAWAL, LETTER = 0, 4, 5, 6
_NEVER = date.max  # after every due day: the delays of the last supported day end in 9909


def compute_points(
    licence: LicenceFacts,
    offences: Iterable[Offence] = (),
    courses: Iterable[Course] = (),
    *,
    asof: date,
) -> PointsResult:
    """Balance, status, ledger and calendar of ``licence`` at the end of the day ``asof``.

    Pure: the result depends only on the arguments (time is the ``asof`` parameter). Raises
    :class:`PointsError` for facts that cannot happen (a withdrawal before its offence, negative
    points, a course ending before it starts, an event before the licence was issued).
    """
    offences, courses = tuple(offences), tuple(courses)
    check_asof(asof)
    check_facts(licence, offences, courses)
    timeline = _Timeline(licence, offences, asof)
    timeline.run(offences, courses)
    return timeline.result()


class _Timeline:
    """The state of one licence as its changes are applied, and the record of those changes.

    The given events (withdrawals, courses, probation increments) are known at the start and
    sorted once. What a withdrawal starts waits beside them: the one pending full restoration (a
    later withdrawal restarts it), and the 10-year and 6-month restorations in two queues that
    stay in date order by themselves, since their delays grow with the withdrawal's date.
    """

    def __init__(self, licence: LicenceFacts, offences: tuple[Offence, ...], asof: date) -> None:
        self.licence, self.asof = licence, asof
        self.probation = Probation.of(licence)
        self.probation_end = self.probation.end if self.probation else None
        # R1, R11: 12 points, or 6 and a ceiling of 6 on a probationary licence (R14).
        self.balance = self.ceiling = MAX_POINTS if self.probation is None else PROBATION_INITIAL
        self.ledger: list[LedgerEntry] = []
        self.calendar: list[Restoration] = []
        self.invalidated_on: date | None = None  # the day the 48SI letter invalidated it
        self.reached_zero = False  # whether the balance has been 0 (a 48SI letter follows it)
        # R3: an offence of 0 points is not a point-losing offence.
        self.commissions = Commissions(o.committed for o in offences if o.points)
        self.cap = SimultaneousCap()
        self.course_year = CourseYear()
        self.heavy = False  # a C4, C5 or délit withdrawn since the last full restoration (R7)
        self.full: FullRestoration | None = None  # the pending full restoration (R6, R7)
        self.ten_years: deque[TenYearRestoration] = deque()  # R10, in date order
        self.six_months: deque[tuple[date, Hashable]] = deque()  # R8: (day, event), in order

    def run(self, offences: tuple[Offence, ...], courses: tuple[Course, ...]) -> None:
        """Apply every change in date order (I7) until the events run out or the licence dies."""
        self.history(self.licence.issued, self.balance, LedgerReason.INITIAL, None)
        events: list[tuple[date, int, int, Any]] = [
            (o.effective, WITHDRAWAL, i, o) for i, o in enumerate(offences) if o.points
        ]
        events += [(credit_day(c), COURSE, i, c) for i, c in enumerate(courses)]
        if self.probation is not None:
            events += [
                (self.probation.anniversary(year), INCREMENT, year, year)
                for year in range(1, self.probation.years + 1)
            ]
        if self.licence.invalidation_notified is not None:
            events.append((self.licence.invalidation_notified, LETTER, 0, None))
        events.sort()  # (day, step, position) is unique: the payloads are never compared
        for day, step, _, payload in events:
            # I7: the restorations due that day come after the increment, before the rest.
            self.restore_before(day, step == INCREMENT)
            if step == WITHDRAWAL:
                self.withdraw(day, payload)
            elif step == COURSE:
                self.course(day, payload)
            elif step == LETTER:
                self.letter(day)
                if self.invalidated_on is not None:
                    return  # R5: nothing follows the invalidation
            else:
                self.increment(day, payload)
        self.restore_before(_NEVER, False)

    def restore_before(self, day: date, before_increment: bool) -> None:
        """Apply the pending restorations due before ``day``, or on it (I7).

        On one day the full restoration comes first, then the 10-year ones, then the 6-month
        ones; all of them after a probation increment (``before_increment``: keep that day's).
        At 0 points they lapse: the licence has lost its validity (L223-1 al. 3) and only the
        holder's own course can still restore points before the 48SI letter (I13).
        """
        while True:
            full, tens, sixes = self.full, self.ten_years, self.six_months
            first = full[0] if full is not None else _NEVER
            if tens and tens[0][0] < first:
                first = tens[0][0]
            if sixes and sixes[0][0] < first:
                first = sixes[0][0]
            if first > day or first == _NEVER or (first == day and before_increment):
                return
            if full is not None and full[0] == first:
                self.full = None
                if self.balance:  # R5, I13: at 0 points nothing comes back by itself
                    self.full_restoration(full)
            elif tens and tens[0][0] == first:
                due = tens.popleft()
                if self.balance:
                    self.ten_year_restoration(due)
            else:
                day_due, event = sixes.popleft()
                if self.balance:
                    self.six_month_restoration(day_due, event)

    def gain(self, points: int) -> None:
        """Add ``points`` to the balance (within the ceiling: the callers cap them).

        I10 (F1685): once the balance is back to 12, by whatever means, every point withdrawn
        before is back, so no 10-year restoration remains due.
        """
        self.balance += points
        if self.balance == MAX_POINTS:
            self.ten_years.clear()

    def history(self, day: date, delta: int, reason: LedgerReason, event: Hashable) -> None:
        """Record a change of ``delta`` points already applied, if it happened by ``asof`` (I8)."""
        if day <= self.asof:
            self.ledger.append(LedgerEntry(day, delta, reason, self.balance, event))

    def restored(self, day: date, delta: int, reason: LedgerReason, event: Hashable) -> None:
        """Record an automatic restoration already applied: history, or the calendar (I8)."""
        if day <= self.asof:
            self.ledger.append(LedgerEntry(day, delta, reason, self.balance, event))
        else:
            self.calendar.append(Restoration(day, delta, reason))

    # --- the changes, in the order of I7 ---------------------------------------------------------

    def increment(self, day: date, year: int) -> None:
        """R12, R14: +2 (+3 after AAC) on an anniversary if no offence was committed up to it.

        R223-1 II: « si aucune infraction … n'a été commise depuis le début de la période
        probatoire »; the anniversary itself belongs to the year it ends (I15).
        """
        probation = self.probation
        assert probation is not None
        if not self.commissions.any_until(day):
            self.ceiling += probation.increment
            points = min(probation.increment, self.ceiling - self.balance)
            if points:
                self.gain(points)
                self.restored(day, points, LedgerReason.PROBATION_INCREMENT, None)
        if year == probation.years:
            self.ceiling = MAX_POINTS  # R223-1 III holds only during the probation (I14).

    def full_restoration(self, pending: FullRestoration) -> None:
        """R6, R7: all points back if no offence was committed during the delay (I6)."""
        day, after, until, reason, event = pending
        if self.commissions.any_between(after, until):
            return
        self.heavy = False
        self.ten_years.clear()  # every earlier point is back: no 10-year restoration (I11)
        if self.balance < MAX_POINTS:
            points = MAX_POINTS - self.balance
            self.gain(points)
            self.restored(day, points, reason, event)

    def ten_year_restoration(self, due: TenYearRestoration) -> None:
        """R10, I11: the points of one C1-C4 withdrawal, within the ceiling."""
        day, points, event = due
        points = min(points, self.ceiling - self.balance)
        if points > 0:
            self.gain(points)
            self.restored(day, points, LedgerReason.TEN_YEARS, event)

    def six_month_restoration(self, day: date, event: Hashable) -> None:
        """R8: the point of a 1-point offence, within the ceiling (I20: counted as given back)."""
        if self.balance < self.ceiling:
            self.gain(1)
            self.restored(day, 1, LedgerReason.SIX_MONTHS, event)

    def course(self, day: date, course: Course) -> None:
        """R9, I5: +4 the day after the last day, within the ceiling, once a year.

        Also at 0 points until the 48SI letter is received (I13, CE n° 461479).
        """
        points = self.course_year.credit(course, self.balance, self.ceiling)
        if points:
            self.gain(points)
            self.history(day, points, LedgerReason.COURSE, course.ref)

    def letter(self, day: date) -> None:
        """R5, I13: the 48SI letter invalidates the licence if the balance is still 0 that day.

        A course completed before it was received may have restored points meanwhile (CE
        29/09/2023 n° 461479): the letter then has no effect. A letter that follows no zero
        balance cannot exist (R223-3 III: it notifies the loss of all points).
        """
        if self.balance == 0:
            self.invalidated_on = day
        elif not self.reached_zero:
            raise PointsError(
                "a 48SI letter notifies a zero balance, and the balance has not been 0 by then "
                "(R223-3 III)",
                field="invalidation_notified",
            )

    def withdraw(self, day: date, offence: Offence) -> None:
        """R2, R4, R5: take the offence's points; start the restorations it opens.

        The balance stops at 0 (R5); the licence stays in force until the 48SI letter (I13). An
        offence that took no point (the 8-point cap used up, or a balance already at 0) did not
        « entraîner un retrait de points » (L223-6 al. 1-2): it neither restarts nor lengthens
        the full-restoration delay (I19).
        """
        points = min(self.cap.take(offence), self.balance)
        if not points:
            return
        self.balance -= points
        self.history(day, -points, LedgerReason.OFFENCE, offence.ref)
        if self.balance == 0:
            self.reached_zero = True
        # R8, I12: an offence worth one point that withdrew it gets it back after six months if
        # no offence is committed in between (I2, I6); that point is then not given back again
        # after ten years (I11, I20). R10: the rest of a C1-C4 withdrawal after ten years.
        back_in_ten_years = points
        if offence.points == 1:
            six = add_months(day, ONE_POINT_MONTHS)
            if not self.commissions.any_between(day, six):
                self.six_months.append((six, offence.ref))
                back_in_ten_years = 0
        if back_in_ten_years and offence.offence_class.ten_year:
            ten = add_months(day, TEN_YEAR_MONTHS)
            self.ten_years.append((ten, back_in_ten_years, offence.ref))
        # R6, R7: a new delay runs from this withdrawal.
        self.heavy = self.heavy or offence.offence_class.heavy
        due, until, reason = full_restoration_delay(day, self.heavy, self.probation_end)
        self.full = (due, day, until, reason, offence.ref)

    def result(self) -> PointsResult:
        """The balance and status at the end of ``asof``, the ledger and the calendar."""
        asof, probation_end = self.asof, self.probation_end
        invalidated = self.invalidated_on is not None and self.invalidated_on <= asof
        balance = self.ledger[-1].balance if self.ledger else 0
        if invalidated:
            status = PointsStatus.INVALIDATED
        elif self.ledger and balance == 0:
            status = PointsStatus.INVALIDATION_PENDING  # I13: the 48SI letter is not received
        else:
            status = PointsStatus.VALID
        ceiling = MAX_POINTS
        if probation_end is not None and asof < probation_end:
            # R223-1 III: 6 plus the increments obtained so far.
            ceiling = PROBATION_INITIAL + sum(
                e.delta for e in self.ledger if e.reason is LedgerReason.PROBATION_INCREMENT
            )
        return PointsResult(
            asof=asof,
            balance=balance,
            status=status,
            ceiling=ceiling,
            ledger=tuple(self.ledger),
            calendar=tuple(self.calendar),
            invalidated_on=self.invalidated_on if invalidated else None,
            probation_end=probation_end,
            in_probation=probation_end is not None and self.licence.issued <= asof < probation_end,
        )
