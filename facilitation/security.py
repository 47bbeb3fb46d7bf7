"""Security headers: a strict Content-Security-Policy (no inline script, no inline style
in markup, nothing from another origin), no framing, no sniffing, HTTPS when asked."""

from __future__ import annotations

from flask import Flask
from flask_talisman import Talisman

talisman = Talisman()

SELF = "'self'"
POLICY = {
    "default-src": SELF,
    "script-src": SELF,
    "style-src": SELF,
    "img-src": [SELF, "data:"],
    "font-src": SELF,
    "connect-src": SELF,  # CSP3: also the same host's ws:// and wss://
    "object-src": "'none'",
    "base-uri": SELF,
    "form-action": SELF,
    "frame-ancestors": "'none'",
}
# A synthesis opened in the browser carries its own style sheet so that it can be saved
# as one file; it still runs no script.
DOCUMENT_POLICY = {**POLICY, "style-src": [SELF, "'unsafe-inline'"]}


def init_app(app: Flask) -> None:
    https = app.config["FORCE_HTTPS"]
    talisman.init_app(
        app,
        content_security_policy=POLICY,
        force_https=https,
        strict_transport_security=https,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"camera": "()", "microphone": "()", "geolocation": "()"},
    )
