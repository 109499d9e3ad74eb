"""Delivering the messages kept with pairs: each is claimed once, then sent by e-mail or SMS.

A message is stored in the transaction that decides to send it. Delivery comes
after the commit: a sender claims the message with one conditional UPDATE, so
two senders at once, or a second run after a crash, never send it twice. A
message whose delivery failed keeps its error for the coordinator to see.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Channel, Message, now_utc

from . import mail, sms

log = logging.getLogger(__name__)

UNSURE_AFTER = timedelta(minutes=15)
UNSURE = "the sender stopped while sending: check with the person whether it arrived"


def deliver(session: Session, message_ids: list[int]) -> int:
    """Deliver the given messages that nobody has claimed yet; return how many went."""
    sent = 0
    for message_id in message_ids:
        claimed = session.execute(
            update(Message).where(Message.id == message_id, Message.delivering_at.is_(None))
            .values(delivering_at=now_utc()))
        session.commit()
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            continue  # another sender has it
        message = session.get(Message, message_id)
        assert message is not None
        sent += _deliver_one(session, message)
    return sent


def deliver_waiting(session: Session) -> int:
    """Deliver every message stored but not yet claimed, e.g. after a crash between storing and sending.

    A message claimed long ago and neither sent nor failed was being sent when its
    sender died: it may or may not have gone, so it is marked for the coordinator
    to check rather than sent a second time.
    """
    session.execute(update(Message).where(Message.delivering_at < now_utc() - UNSURE_AFTER,
                                          Message.sent_at.is_(None), Message.error == "")
                    .values(error=UNSURE))
    session.commit()
    waiting = list(session.scalars(select(Message.id).where(Message.delivering_at.is_(None),
                                                            Message.sent_at.is_(None)).order_by(Message.id)))
    return deliver(session, waiting)


def _deliver_one(session: Session, message: Message) -> int:
    try:
        if message.channel == Channel.EMAIL:
            mail.send(mail.compose_text(message.address, message.subject, message.body, message.language,
                                        calendar=message.calendar, message_id=f"<message-{message.id}@kompis>"),
                      raise_errors=True)
        elif message.channel == Channel.SMS:
            sms.send(message.address, message.body, reference=f"message-{message.id}")
    except Exception as exc:  # noqa: BLE001 - any failure is kept on the message; the next one still goes
        log.warning("message %s not delivered: %s", message.id, type(exc).__name__)
        message.error = str(exc)[:200] if isinstance(exc, sms.SmsError) else type(exc).__name__
        session.commit()
        return 0
    message.sent_at = now_utc()
    session.commit()
    return 1
