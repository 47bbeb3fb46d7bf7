"""gunicorn settings: one gevent worker per process (scale out with more processes, each
with its own port, behind nginx with sticky sessions — see docs/deploy.md)."""

import os

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
logger_class = "gunicorn_logging.PrivateLogger"
