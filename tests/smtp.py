"""A real SMTP server on 127.0.0.1, in a thread: enough of RFC 5321 (EHLO, AUTH PLAIN,
MAIL, RCPT, DATA, RSET, QUIT) for smtplib to deliver to it; what it receives is parsed
with the standard library's e-mail package, as a mailbox would."""

from __future__ import annotations

import base64
import socketserver
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Mailbox:
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[str, str]] = field(default_factory=list)
    refuse: bool = False  # answer 554 to DATA: the server refuses the message
    greeting_delay: float = 0  # seconds before the server greets: a slow mail server
    lock: threading.Condition = field(default_factory=threading.Condition)

    def wait(self, count: int = 1, timeout: float = 10) -> list[Received]:
        """The messages received, once there are ``count`` of them (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self.lock:
            while len(self.received) < count and time.monotonic() < deadline:
                self.lock.wait(deadline - time.monotonic())
            return list(self.received)


class _Session(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        box = self.server.mailbox
        sender, recipients = "", []
        time.sleep(box.greeting_delay)
        self.reply("220 127.0.0.1 test SMTP")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250-127.0.0.1")
                self.reply("250-AUTH PLAIN")
                self.reply("250 8BITMIME")
            elif verb == "AUTH":
                _, _mechanism, *rest = command.split(" ")
                _, user, password = base64.b64decode(rest[0]).decode().split("\x00")
                box.logins.append((user, password))
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                sender = command.split(":", 1)[1].strip().split(" ")[0].strip("<>")
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                if box.refuse:
                    self.reply("554 5.7.1 Refused")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                parsed: Any = message_from_bytes(data, policy=policy.default)
                with box.lock:
                    box.received.append(Received(sender, recipients, parsed))
                    box.lock.notify_all()
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "RSET":
                sender, recipients = "", []
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, mailbox: Mailbox) -> None:
        super().__init__(("127.0.0.1", 0), _Session)
        self.mailbox = mailbox


class SMTPServer:
    """Started on a free port of 127.0.0.1; ``settings`` are the app's SMTP settings."""

    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self._server = _Server(self.mailbox)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def settings(self) -> dict[str, Any]:
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_USER": "fabrique",
            "SMTP_PASSWORD": "mail-secret",
            "SMTP_FROM": "atelier@example.org",
            "SMTP_STARTTLS": False,
            "SMTP_SSL": False,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
