"""gunicorn settings: one gevent worker per process (scale out with more processes, each
with its own port, behind nginx with sticky sessions — see docs/deploy.md).

Self-contained (it imports nothing from the project) so that the same file serves a
checkout (``gunicorn --config gunicorn.conf.py wsgi:app``) and an installed wheel, which
ships it as package data (``fabrique serve``).

The log: one format for gunicorn's lines and the app's (LOG_FORMAT): ``text``, a line
``<time> <level> <logger> [<request id>] <message>``, or ``json``, one object a line with
those keys. The request id is nginx's (X-Request-Id) or the app's own, also on the access
line and in the response's X-Request-Id; a socket's lines carry a digest of its session.
An exception is logged by its type and frames, never its message (it may quote a note or
a row someone typed)."""

import json
import logging
import os
import re
import sys
import time
import traceback

from gunicorn.glogging import Logger

# Paths that are secrets: board links and password-reset links.
SECRET_LINK = re.compile(r"/(b|password-reset)/[^/?\s]+")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")


def _request_id(record):  # type: ignore[no-untyped-def]
    given = getattr(record, "request_id", None)
    if given:
        return given
    logs = sys.modules.get("facilitation.logs")  # loaded in the worker, with the app
    return logs.request_id() if logs else "-"


def _time(record):  # type: ignore[no-untyped-def]
    moment = time.gmtime(record.created)
    return time.strftime("%Y-%m-%dT%H:%M:%S", moment) + f".{int(record.msecs):03d}Z"


def _exception(record):  # type: ignore[no-untyped-def]
    if not record.exc_info or record.exc_info[0] is None:
        return ""
    kind, _, trace = record.exc_info
    frames = "".join(traceback.format_tb(trace)).rstrip()
    return f"{kind.__module__}.{kind.__qualname__} (message withheld)\n{frames}"


class TextLines(logging.Formatter):
    def format(self, record):  # type: ignore[no-untyped-def]
        line = (
            f"{_time(record)} {record.levelname} {record.name} [{_request_id(record)}] "
            f"{record.getMessage()}"
        )
        exception = _exception(record)
        return f"{line}\n{exception}" if exception else line


class JsonLines(logging.Formatter):
    def format(self, record):  # type: ignore[no-untyped-def]
        entry = {
            "time": _time(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": _request_id(record),
            "message": record.getMessage(),
        }
        exception = _exception(record)
        if exception:
            entry["exception"] = exception
        return json.dumps(entry, ensure_ascii=False)


FORMATTERS = {"text": TextLines, "json": JsonLines}


class PrivateLogger(Logger):
    """The access log with secret links masked; every line in LOG_FORMAT, the app's too."""

    def setup(self, cfg):  # type: ignore[no-untyped-def]
        super().setup(cfg)
        if LOG_FORMAT not in FORMATTERS:
            raise RuntimeError(f"LOG_FORMAT must be one of {', '.join(FORMATTERS)}")
        formatter = FORMATTERS[LOG_FORMAT]()
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(formatter)
        # The app's loggers (facilitation.*, flask, socketio) reach the root logger.
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_fabrique", False)]:
            root.removeHandler(handler)
        handler = logging.StreamHandler(sys.stderr)
        handler._fabrique = True  # type: ignore[attr-defined]
        handler.setFormatter(formatter)
        root.addHandler(handler)
        root.setLevel(self.loglevel)
        # Alembic (loaded for the migrations) announces its plugins at each start.
        logging.getLogger("alembic").setLevel(max(self.loglevel, logging.WARNING))

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r", "f"):
            if name in atoms:
                atoms[name] = SECRET_LINK.sub(r"/\1/…", atoms[name])
        return atoms

    def access(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        if not self.access_log_enabled:
            return
        atoms = self.atoms_wrapper_class(self.atoms(resp, req, environ, request_time))
        try:
            request_id = atoms["{x-request-id}o"]
            self.access_log.info(
                self.cfg.access_log_format, atoms, extra={"request_id": request_id}
            )
        except Exception:
            self.error(traceback.format_exc())


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
# travel there), no referrer, and the links that are secrets are masked: boards'
# (/b/<key>) and password resets' (/password-reset/<token>). Bodies and cookies are
# never logged. Join codes in /j/<code> are not secrets: they are projected.
# The time and request id lead the line (LOG_FORMAT).
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
logger_class = PrivateLogger
# No control socket: gunicorn's default path is in the user's home, the same for every
# process of a host (fabrique@5001 and @5002 would take it from each other, and stopping
# one would remove the other's), and its commands add workers, which a process must not.
control_socket_disable = True


# Python's collector, left as it starts, took 12-14% of the worker's processor during a
# mass join of 2,000 phones, a full collection pausing every socket for about 200 ms
# each time (docs/performance.md). What the worker loaded with the app lives as long as
# the worker: frozen, no collection walks it again. With a few hundred requests in flight
# at once, each one's objects outlive the default young generation (700 allocations)
# and were promoted only to die there; 10,000 lets most die young.
GC_THRESHOLD = (10_000, 20, 10)


def post_worker_init(worker):  # type: ignore[no-untyped-def]
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)
