"""Recover from a crashed issuance: ``pending`` rows become ``failed``, their files quarantined.

Why (issue 10, item 4): thirty ``kill -9`` of an issuing loop left four complete, validly signed
ADCS as staged files whose ids had been handed out again. Ids are no longer given back (see
``issuer/log.py``), and this module clears what a crash leaves behind. It runs when issuance
starts (before each :class:`issuer.service.Issuer`'s first document, whichever program holds it)
and on demand (``permis2d issue --repair-log``).

What a crash can leave, by step (``issuer.service.STEPS``), and what recovery does:

* ``allocated``/``signed``: a ``pending`` row and no file → the row is marked ``failed``;
* ``staging``/``staged``: a staged file, maybe truncated → quarantined, row ``failed``;
* ``placed``: the PDF under its final name, the row still ``pending`` → the PDF was never
  logged as issued, so it is quarantined too and the row ``failed``;
* ``logged``: nothing to do: the row is ``issued`` and its PDF in place.

Quarantined files go to ``<data dir>/quarantine/`` (0700, files 0600) rather than being deleted:
an operator may want to see what a crash left, and nothing there is published.

A row is only recovered when its issuance is over: its owner (``host:pid``) is a process of this
host that no longer exists, or the row is older than :data:`STALE_AFTER` (an issuance takes
milliseconds; a row of another host cannot be checked otherwise). Marking the row ``failed`` is
a compare-and-set from ``pending``, and files are touched only after it succeeded; an issuer
that was in fact still alive then fails its own ``finish`` and withdraws its file.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, RowMapping

from issuer import log

__all__ = ["STALE_AFTER", "RecoveryReport", "process_owner", "recover", "staged_path"]

STALE_AFTER = timedelta(minutes=10)
"""Age after which a ``pending`` row whose owner cannot be checked is taken as abandoned."""

_STAGED = re.compile(r"\.(?P<name>.+)\.(?P<document_id>[0-9]{10})\.staged")
#: Staged files of the releases before this module (``.<name>.<pid>.tmp``): never live now.
_LEGACY_STAGED = re.compile(r"\.(?P<name>.+\.pdf)\.[0-9]+\.tmp")


@dataclass(frozen=True)
class RecoveryReport:
    """What a recovery did: the document ids marked ``failed`` and the files it moved."""

    failed: tuple[str, ...]
    quarantined: tuple[Path, ...]

    def __str__(self) -> str:
        return (f"{len(self.failed)} pending issuance(s) marked failed, "
                f"{len(self.quarantined)} file(s) quarantined")


def process_owner() -> str:
    """This process as a log row's owner: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


def staged_path(target: Path, document_id: str) -> Path:
    """Where the PDF of ``document_id`` is written before it is renamed to ``target``."""
    return target.with_name(f".{target.name}.{document_id}.staged")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _abandoned(row: RowMapping, now: datetime, stale_after: timedelta) -> bool:
    """Whether the issuance of a ``pending`` row is over (see the module docstring)."""
    host, _, pid = (row["owner"] or "").rpartition(":")
    if host == socket.gethostname() and pid.isdigit():
        return not _pid_alive(int(pid))
    return row["created_at"] <= now - stale_after


def _quarantine(path: Path, quarantine_dir: Path, document_id: str | None) -> Path | None:
    """Move ``path`` into the quarantine (mode 0600); None when it was already gone."""
    quarantine_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    destination = quarantine_dir / f"{document_id or 'unknown'}-{path.name.lstrip('.')}"
    counter = 1
    while destination.exists():
        counter += 1
        destination = destination.with_name(f"{destination.stem}.{counter}{destination.suffix}")
    try:
        shutil.move(path, destination)
    except FileNotFoundError:
        return None
    destination.chmod(0o600)
    return destination


def _files_of(engine: Engine, row: RowMapping) -> Iterator[Path]:
    """The staged file of a crashed row, and its placed PDF unless a newer row reused the path.

    ``--out FILE`` may name the same file for a later, successful issuance: that PDF is not ours.
    """
    if not row["file_path"]:
        return
    target = Path(row["file_path"])
    yield staged_path(target, row["document_id"])
    with engine.connect() as connection:
        newest = log.newest_for_path(connection, row["file_path"])
    if newest == row["document_id"]:
        yield target


def _stray_staged(issued_dir: Path) -> Iterator[tuple[Path, str | None]]:
    """Staged-looking files of ``issued_dir`` with the document id their name carries."""
    if not issued_dir.is_dir():
        return
    for path in issued_dir.iterdir():
        if match := _STAGED.fullmatch(path.name):
            yield path, match["document_id"]
        elif _LEGACY_STAGED.fullmatch(path.name):
            yield path, None


def recover(engine: Engine, *, now: datetime, issued_dir: Path, quarantine_dir: Path,
            stale_after: timedelta = STALE_AFTER) -> RecoveryReport:
    """Mark abandoned ``pending`` rows ``failed`` and quarantine their files and stray ones.

    ``now`` is the current time (naive means UTC, like the log's ``created_at``).
    """
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    failed: list[str] = []
    moved: list[Path] = []
    with engine.connect() as connection:
        pending = log.pending_rows(connection)
    for row in pending:
        if not _abandoned(row, now, stale_after):
            continue
        with engine.begin() as connection:
            if not log.fail(connection, row["document_id"]):
                continue  # finished or failed meanwhile by its owner
        failed.append(row["document_id"])
        moved += [q for p in _files_of(engine, row) if (q := _quarantine(p, quarantine_dir,
                                                                  row["document_id"]))]
    for path, document_id in _stray_staged(issued_dir):
        if document_id is not None:
            with engine.connect() as connection:
                row = log.lookup(connection, document_id)
            if row is not None and row["status"] == log.PENDING:
                continue  # a live issuance's file (an abandoned one was handled above)
        if (q := _quarantine(path, quarantine_dir, document_id)) is not None:
            moved.append(q)
    return RecoveryReport(tuple(failed), tuple(moved))
