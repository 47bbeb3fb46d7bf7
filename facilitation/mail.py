"""E-mail, when an SMTP server is configured (``SMTP_HOST``): password-reset links and
syntheses. The standard library's smtplib: under gevent its socket is the loop's, so a
slow server holds only the greenlet that sends, never the other screens of the process.

A message whose sending must not show in the answer's timing (a password reset: whether
an account exists) is sent by a background task (``send_later``); a synthesis is sent
while its request waits, so that a refusal is told to whoever sent it. A failure is
logged with its kind and the number of recipients, never their addresses.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from flask import Flask, current_app

from .extensions import socketio

log = logging.getLogger(__name__)

TIMEOUT = 20  # seconds for each exchange with the server


class MailFailed(RuntimeError):
    """The SMTP server could not be reached, or refused the message."""


def configured(config: Any | None = None) -> bool:
    return bool((config or current_app.config).get("SMTP_HOST"))


def message(
    to: Sequence[str],
    subject: str,
    body: str,
    attachment: tuple[bytes, str, str] | None = None,
    config: Any | None = None,
) -> EmailMessage:
    """A plain-text message from ``SMTP_FROM``; ``attachment``: (content, MIME type,
    file name)."""
    config = config or current_app.config
    mail = EmailMessage()
    mail["From"] = config["SMTP_FROM"]
    mail["To"] = ", ".join(to)
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain=config["SMTP_FROM"].rpartition("@")[2] or None)
    mail.set_content(body)
    if attachment is not None:
        content, mimetype, filename = attachment
        maintype, _, subtype = mimetype.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return mail


def send(mail: EmailMessage, config: Any | None = None) -> None:
    """Hand the message to the SMTP server; ``MailFailed`` if it cannot be done."""
    config = config or current_app.config
    host, port = config["SMTP_HOST"], config["SMTP_PORT"]
    recipients = len(mail.get_all("To", []))
    try:
        if config["SMTP_SSL"]:
            server: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=TIMEOUT, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=TIMEOUT)
        with server:
            if config["SMTP_STARTTLS"] and not config["SMTP_SSL"]:
                server.starttls(context=ssl.create_default_context())
            if config["SMTP_USER"]:
                server.login(config["SMTP_USER"], config["SMTP_PASSWORD"] or "")
            server.send_message(mail)
    except (OSError, smtplib.SMTPException) as error:
        log.warning("e-mail to %d recipients not sent: %s", recipients, type(error).__name__)
        raise MailFailed(type(error).__name__) from error
    log.info("e-mail sent to %d recipients", recipients)


def send_later(app: Flask, mail: EmailMessage) -> None:
    """Send in a background task (a greenlet under gevent, a thread otherwise): the
    request answers at once, whatever the server does."""
    config = dict(app.config)

    def task() -> None:
        with contextlib.suppress(MailFailed):  # logged by send
            send(mail, config)

    socketio.start_background_task(task)
