"""Entry point for gunicorn (``-k gevent -w 1``) and ``flask --app wsgi``."""

from facilitation import create_app

app = create_app()
