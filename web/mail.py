"""Outgoing e-mail: over SMTP when configured, otherwise into an outbox folder and the log."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale

log = logging.getLogger(__name__)


def outbox_path() -> Path:
    """Return the folder where unsent mail is written in local use."""
    configured = current_app.config.get("MAIL_OUTBOX")
    path = Path(configured) if configured else Path(current_app.instance_path) / "outbox"
    path.mkdir(parents=True, exist_ok=True)
    return path


def compose(to: str, template: str, language: str, **context: object) -> EmailMessage:
    """Render `email/<template>.txt` in `language`: first line the subject, then the body."""
    with force_locale(language):
        text = render_template(f"email/{template}.txt", **context)
    subject, _, body = text.strip().partition("\n")
    return compose_text(to, subject.strip(), body.strip(), language)


def compose_text(to: str, subject: str, body: str, language: str, *, calendar: str = "",
                 message_id: str | None = None) -> EmailMessage:
    """Return an e-mail of the given words; `calendar` is an invitation (.ics) to attach."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="kompis")
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body + "\n")
    if calendar:
        message.add_attachment(calendar, subtype="calendar", charset="utf-8", filename="invitation.ics",
                               params={"method": "REQUEST"})
    # After set_content, which drops every Content-* header set before it.
    message["Content-Language"] = language.replace("_", "-")
    return message


def send(message: EmailMessage, *, raise_errors: bool = False) -> None:
    """Deliver a message over SMTP, or into the outbox when no server is configured.

    A failed delivery is never shown to the person signing up (they could do nothing
    about it); the message is kept in `outbox/unsent` and logged as an error, so
    staff can see it and send it again.
    """
    if not current_app.config.get("MAIL_SERVER"):
        path = _write_outbox(message, outbox_path())
        log.info("mail to the outbox: %s", path)  # never the words: they hold names and links
        return
    try:
        _send_smtp(message)
    except (OSError, smtplib.SMTPException):
        if raise_errors:
            raise
        log.exception("could not send mail %s over SMTP; kept in the outbox's unsent folder",
                      message["Message-ID"])
        _write_outbox(message, outbox_path() / "unsent")


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], context=context, timeout=20)
    else:
        smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20)
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=context)
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
    log.info("sent mail %s", message["Message-ID"])


def _write_outbox(message: EmailMessage, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (message["Message-ID"].strip("<>").replace("@", "_") + ".eml")
    path.write_bytes(bytes(message))
    return path
