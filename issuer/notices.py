"""Notices: an e-mail to each account linked to a licence when its balance or state changes.

Why (issue 15, part 2): on the real service points vanish months after an offence without a word,
and a zero balance is learnt from the 48SI registered letter. Here every agent write that touches a
linked driver (:func:`notify_write`) and every restoration that falls due with time
(:func:`run_notices`, the daily ``permis2d notices run``) reaches the driver's mailbox.

Never twice: each notice has a key (what, which event, which day) and a row in ``notices_sent``
under a unique (account, key) constraint, inserted before the mail is sent; a second run, or a
second worker, finds the row and sends nothing. A notice carries no more than the driver's own
portal shows (points, balance, dates; no name, no NEPH) and a link to the portal. Accounts that
turned notices off (``notice_settings``) get none. A failed delivery is logged, never raised: the
write it follows has already been committed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from issuer.agent.models import NoticeRun, NoticeSent, NoticeSetting
from issuer.web.mail import Mailer, build_message
from issuer.web.models import Account
from registry.points.results import AUTOMATIC_REASONS
from registry.records import DriverRecord, load_driver_record

__all__ = ["LOW_BALANCE", "Notice", "notify_write", "run_notices", "write_notices"]

LOG = logging.getLogger("permis2d.notices")
LOW_BALANCE = 6  # R223-8: a course restores up to 4 points, at most once a year
SENDER = "permis2d <ne-pas-repondre@permis2d.invalid>"


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice: its key (never sent twice to one account), subject and body."""

    key: str
    subject: str
    body: str


def _fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "date non fixée"


def _next_restoration(before: DriverRecord | None, after: DriverRecord | None) -> str:
    """The restoration the offence delays: the last one of the calendar, before and after."""
    if after is None or not after.points.calendar:
        return ""
    last = after.points.calendar[-1]
    text = (f"Restitution prévue : {last.points} point(s) le {_fmt(last.date)}, si aucune "
            "nouvelle infraction n'est commise.")
    if before is not None and before.points.calendar:
        earlier = before.points.calendar[-1].date
        if earlier != last.date:
            text += f" Avant cette infraction, elle était prévue le {_fmt(earlier)}."
    return text


def write_notices(kind: str, event: dict[str, Any], before: DriverRecord | None,
                  after: DriverRecord | None) -> list[Notice]:
    """The notices an agent write calls for (issue 15, part 2), from the records around it."""
    notices: list[Notice] = []
    balance = after.points.balance if after else None
    ref = f"{kind}:{event.get('id')}"
    if kind in ("offence", "offence_effective") and event.get("effective"):
        notices.append(Notice(
            f"offence:{event['id']}:{event['effective']}", "Retrait de points enregistré",
            f"Une infraction commise le {_fmt(date.fromisoformat(event['committed']))} entraîne "
            f"un retrait de {event['points']} point(s), effectif le "
            f"{_fmt(date.fromisoformat(event['effective']))}.\nNouveau solde : {balance} "
            f"point(s).\n{_next_restoration(before, after)}"))
    elif kind == "course":
        notices.append(Notice(ref, "Stage de sensibilisation enregistré",
                              f"Votre stage du {event['start']} au {event['end']} est "
                              f"enregistré. Solde : {balance} point(s)."))
    elif kind == "suspension":
        end = event.get("end")
        notices.append(Notice(ref, "Suspension du permis",
                              f"Votre permis est suspendu à partir du {event['start']}"
                              f"{f' jusqu’au {end}' if end else ' jusqu’à nouvel ordre'}. "
                              "Pendant ce temps, conduire est interdit."))
    elif kind == "suspension_end":
        notices.append(Notice(f"{ref}:{event['end']}", "Fin de la suspension du permis",
                              f"La suspension de votre permis prend fin le {event['end']}."))
    elif kind == "invalidation":
        notices.append(Notice(ref, "Permis invalidé (lettre 48SI)",
                              f"La lettre 48SI reçue le {event['date']} invalide votre permis : "
                              "vous ne pouvez plus conduire. Vous pourrez demander un nouveau "
                              "permis après le délai prévu (art. L223-5)."))
    if before is not None and after is not None:
        notices += _threshold_notices(before, after, ref)
    return notices


def _threshold_notices(before: DriverRecord, after: DriverRecord, ref: str) -> list[Notice]:
    old, new = before.points.balance, after.points.balance
    if new == 0 < old:
        return [Notice(f"zero:{ref}", "Votre solde de points est à zéro",
                       "Votre solde est de 0 point. Le permis perdra sa validité à la "
                       "réception de la lettre recommandée 48SI ; d'ici là, un stage de "
                       "sensibilisation terminé avant sa réception restitue des points "
                       "(art. L223-6, R223-8).")]
    if new <= LOW_BALANCE < old:
        return [Notice(f"low:{ref}", f"Votre solde est de {new} points",
                       f"Votre solde est de {new} point(s). Un stage de sensibilisation "
                       "restitue jusqu'à 4 points, une fois par an au plus (art. R223-8).")]
    return []


def _recipients(session: Session, neph: str) -> list[Account]:
    off = select(NoticeSetting.account_id).where(NoticeSetting.enabled.is_(False))
    return list(session.scalars(select(Account).where(
        Account.neph == neph, Account.linked_at.is_not(None), Account.email.is_not(None),
        Account.id.not_in(off))))


def _deliver(sessions: sessionmaker[Session], mailer: Mailer, link: str, neph: str,
             notices: list[Notice], now: datetime) -> int:
    """Send each notice once to each recipient; return how many mails were sent."""
    sent = 0
    with sessions() as session:
        accounts = _recipients(session, neph)
    for account in accounts:
        for notice in notices:
            try:
                with sessions.begin() as session:
                    session.add(NoticeSent(account_id=account.id, key=notice.key[:120],
                                           sent_at=now))
            except IntegrityError:
                continue  # already sent (another run or worker)
            body = (f"{notice.body}\n\nVotre espace : {link}\n\nVous pouvez désactiver ces "
                    f"avis dans votre espace, page « Avis ».\n")
            try:
                mailer.send(build_message(SENDER, account.email or "", notice.subject, body),
                            link=link)
                sent += 1
            except OSError:
                LOG.warning("notice %s to account %s not delivered", notice.key, account.id)
    return sent


def _link(issuer_url: str) -> str:
    return issuer_url.rstrip("/") + "/mes-points"


def notify_write(portal: Any, outcome: Any, before: DriverRecord | None,
                 after: DriverRecord | None) -> int:
    """Notices after an agent write (called once it is committed)."""
    notices = write_notices(outcome.kind, outcome.event, before, after)
    if not notices:
        return 0
    return _deliver(portal.sessions, portal.mailer, _link(portal.settings.issuer_url),
                    outcome.neph, notices, portal.utcnow())


def run_notices(sessions: sessionmaker[Session], mailer: Mailer, issuer_url: str, *, on: date,
                now: datetime) -> int:
    """Send the restorations (and ends of suspension) due after the last run, up to ``on``."""
    with sessions() as session:
        last = session.scalar(select(func.max(NoticeRun.day)).where(NoticeRun.day < on))
        nephs = sorted(set(session.scalars(select(Account.neph).where(
            Account.neph.is_not(None), Account.linked_at.is_not(None)))))
    since = last if last is not None else on - timedelta(days=1)
    sent = 0
    for neph in nephs:
        with sessions() as session:
            try:
                record = load_driver_record(session, neph, asof=on)
            except LookupError:
                continue
        notices = [
            Notice(f"restoration:{e.date}:{e.reason.value}", "Des points vous sont restitués",
                   f"Le {_fmt(e.date)}, {e.delta} point(s) vous ont été restitués. Nouveau "
                   f"solde : {e.balance} point(s).")
            for e in record.points.ledger
            if e.reason in AUTOMATIC_REASONS and since < e.date <= on and e.delta > 0
        ]
        notices += [
            Notice(f"suspension_over:{s.start}:{s.end}", "Fin de la suspension du permis",
                   f"La suspension de votre permis a pris fin le {_fmt(s.end)}.")
            for s in record.suspensions if s.end is not None and since < s.end <= on
        ]
        sent += _deliver(sessions, mailer, _link(issuer_url), neph, notices, now)
    try:
        with sessions.begin() as session:
            if session.get(NoticeRun, on) is None:
                session.add(NoticeRun(day=on, ran_at=now))
    except IntegrityError:
        pass  # another run recorded the same day at the same time
    return sent
