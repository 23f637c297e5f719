"""Every agent write in one transaction: idempotency key, the write, the audit row; then notices.

Why the key is inserted first, in the write's own transaction (issue 15): the unique constraint
on (token, key) makes the database the referee between workers. Two requests with one key race
to insert the row; the second waits on the first's lock (PostgreSQL's unique index, SQLite's
write lock), then fails with an integrity error once the first commits, and answers what the
first answered, which it reads back. If the first write is refused, its transaction (key row
included) rolls back and a replay is judged afresh; nothing was written either way. A replay with
another body under the same key is refused (422) rather than silently answered.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from issuer.agent.models import AgentAudit, AgentRequest, AgentToken
from issuer.agent.payloads import MalformedBody, parse_body
from issuer.agent.writes import ENDPOINTS, Outcome
from registry.errors import (
    LicenceStateError,
    NoLicenceError,
    RegistryValidationError,
    UnknownEventError,
    UnknownNEPHError,
)
from registry.models import Driver, Licence, OffenceRow, Suspension
from registry.records import DriverRecord, load_driver_record

__all__ = ["MAX_KEY_LENGTH", "Answer", "error", "perform_write"]

MAX_KEY_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP answer: status and JSON body; ``outcome`` and records when something was written."""

    status: int
    body: dict[str, Any]
    outcome: Outcome | None = None
    before: DriverRecord | None = None
    after: DriverRecord | None = None


def error(status: int, message: str, field: str | None = None,
          position: int | None = None) -> Answer:
    """The JSON error of the API: ``{"error", "field", "position"}``."""
    return Answer(status, {"error": message, "field": field, "position": position})


def _request_hash(endpoint: str, ident: int | None, data: Any) -> str:
    canonical = json.dumps([endpoint, ident, data], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _message(exc: Exception) -> str:
    return str(exc).rsplit(" (", 1)[0]


def _replay(sessions: sessionmaker[Session], token: AgentToken, key: str, digest: str) -> Answer:
    with sessions() as session:
        row = session.scalars(select(AgentRequest).where(
            AgentRequest.token_id == token.id, AgentRequest.idempotency_key == key)).one()
        if row.request_sha256 != digest:
            return error(422, "this Idempotency-Key was used with another request",
                         "Idempotency-Key")
        return Answer(row.status, json.loads(row.body))


def _record(session: Session, neph: str, today: date) -> DriverRecord | None:
    try:
        return load_driver_record(session, neph, asof=today)
    except (UnknownNEPHError, NoLicenceError):
        return None


def perform_write(sessions: sessionmaker[Session], token: AgentToken, endpoint: str,
                  ident: int | None, raw: bytes, key: str | None, *, now: datetime,
                  today: date) -> Answer:
    """Run the write ``endpoint`` for ``token`` (scope already checked) and answer it."""
    try:
        data = parse_body(raw)
    except MalformedBody as exc:
        return error(400, str(exc), exc.field, exc.position)
    digest = _request_hash(endpoint, ident, data)
    spec = ENDPOINTS[endpoint]
    try:
        with sessions() as session, session.begin():
            if key is not None:
                session.add(AgentRequest(token_id=token.id, idempotency_key=key,
                                         request_sha256=digest, status=0, body="",
                                         created_at=now))
                session.flush()
            answer = _write(session, spec.write, data, ident, today)
            if answer.outcome is None:
                raise _Refused(answer)  # rolls back, the key's row with the rest
            session.add(AgentAudit(
                token_name=token.name, at=now, endpoint=f"POST {endpoint}",
                neph=answer.outcome.neph, change=json.dumps(answer.body, sort_keys=True),
                balance_before=answer.before.points.balance if answer.before else None,
                balance_after=answer.after.points.balance if answer.after else None))
            if key is not None:
                stored = session.scalars(select(AgentRequest).where(
                    AgentRequest.token_id == token.id,
                    AgentRequest.idempotency_key == key)).one()
                stored.status, stored.body = answer.status, json.dumps(answer.body)
    except _Refused as refused:
        return refused.answer
    except IntegrityError:
        if key is None:
            raise
        return _replay(sessions, token, key, digest)
    return answer


class _Refused(Exception):
    """A refused write, raised to roll its transaction back."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.status)
        self.answer = answer


def _write(session: Session, write: Any, data: dict[str, Any], ident: int | None,
           today: date) -> Answer:
    """The write and the records around it, or the error answer (the caller rolls back)."""
    neph = data.get("neph") if ident is None else _neph_of_event(session, write, ident)
    before = _record(session, neph, today) if isinstance(neph, str) else None
    try:
        outcome: Outcome = write(session, data, ident, today)
    except MalformedBody as exc:
        return error(400, str(exc), exc.field, exc.position)
    except (UnknownNEPHError, NoLicenceError, UnknownEventError) as exc:
        return error(404, str(exc), "id" if isinstance(exc, UnknownEventError) else "neph")
    except LicenceStateError as exc:
        return error(409, _message(exc), exc.field)
    except RegistryValidationError as exc:
        return error(422, _message(exc), exc.field, exc.position)
    after = _record(session, outcome.neph, today)
    return Answer(outcome.status, outcome.event, outcome, before, after)


def _neph_of_event(session: Session, write: Any, ident: int) -> str | None:
    """The NEPH of the licence holding the offence or suspension ``ident`` (``None``: unknown)."""
    model = OffenceRow if write is ENDPOINTS["offences/<id>/effective"].write else Suspension
    return session.scalar(select(Driver.neph).join(Licence, Licence.driver_id == Driver.id)
                          .join(model, model.licence_id == Licence.id).where(model.id == ident))
