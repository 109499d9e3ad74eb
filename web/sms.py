"""Outgoing SMS: through the configured HTTP gateway, otherwise into the outbox folder.

The gateway gets a JSON POST, ``{"to": ..., "from": ..., "message": ...}``, with
``Authorization: Bearer <SMS_GATEWAY_TOKEN>`` when a token is set; any 2xx
answer means it took the message. Most Swedish SMS services accept this shape
or sit behind a small adapter that does.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from flask import current_app

from .mail import outbox_path

log = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway did not take a message."""


def send(to: str, text: str, *, reference: str) -> None:
    """Send `text` to the phone number `to`, or write it to the outbox; raise `SmsError` if the gateway refuses."""
    gateway = current_app.config.get("SMS_GATEWAY_URL")
    if not gateway:
        path = _write_outbox(to, text, reference, outbox_path() / "sms")
        log.info("sms to the outbox: %s", path)
        return
    _post(gateway, to, text)
    log.info("sent sms %s", reference)


def _post(gateway: str, to: str, text: str) -> None:
    if urlsplit(gateway).scheme not in ("http", "https"):
        raise SmsError("SMS_GATEWAY_URL must be an http or https address")
    config = current_app.config
    body = json.dumps({"to": to, "from": config["SMS_SENDER"], "message": text}).encode()
    request = urllib.request.Request(gateway, data=body, method="POST",  # noqa: S310 - scheme checked above
                                     headers={"Content-Type": "application/json"})
    if config.get("SMS_GATEWAY_TOKEN"):
        request.add_header("Authorization", f"Bearer {config['SMS_GATEWAY_TOKEN']}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 # nosec B310
            status = response.status
    except urllib.error.HTTPError as exc:
        raise SmsError(f"the SMS gateway answered {exc.code}") from None
    except OSError as exc:
        raise SmsError(f"the SMS gateway could not be reached: {type(exc).__name__}") from None
    if not 200 <= status < 300:
        raise SmsError(f"the SMS gateway answered {status}")


def _write_outbox(to: str, text: str, reference: str, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{reference}.json"
    path.write_text(json.dumps({"to": to, "message": text}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path
