"""gunicorn's logger, with board links masked in the access log (see gunicorn.conf.py)."""

import re

from gunicorn.glogging import Logger

BOARD_LINK = re.compile(r"/b/[^/?\s]+")


class PrivateLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "r", "f"):
            if name in atoms:
                atoms[name] = BOARD_LINK.sub("/b/…", atoms[name])
        return atoms
