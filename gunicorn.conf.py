"""gunicorn settings: one gevent worker per process (scale out with more processes, each
with its own port, behind nginx with sticky sessions — see docs/deploy.md).

Self-contained (it imports nothing from the project) so that the same file serves a
checkout (``gunicorn --config gunicorn.conf.py wsgi:app``) and an installed wheel, which
ships it as package data (``fabrique serve``)."""

import os
import re

from gunicorn.glogging import Logger

BOARD_LINK = re.compile(r"/b/[^/?\s]+")


class PrivateLogger(Logger):
    """The access log with board links masked."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r", "f"):
            if name in atoms:
                atoms[name] = BOARD_LINK.sub("/b/…", atoms[name])
        return atoms


bind = os.environ.get("BIND", "127.0.0.1:5000")
worker_class = "gevent"
workers = 1  # Socket.IO long-polling needs a client to stay on one worker
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "5000"))  # default 1000 caps a room
timeout = 60
graceful_timeout = 5
keepalive = 5
accesslog = os.environ.get("ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
# The access log names the method and path only: no query string (Engine.IO session ids
# travel there), no referrer, and board links (/b/<key>, a secret) are masked. Bodies and
# cookies are never logged. Join codes in /j/<code> are not secrets: they are projected.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = PrivateLogger
