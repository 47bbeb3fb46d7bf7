"""/healthz: is this process able to serve (database reachable, Redis if configured)?"""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from sqlalchemy import text

from .extensions import db
from .realtime.runtime import runtime

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> ResponseReturnValue:
    checks = {"database": _check(lambda: db.session.execute(text("SELECT 1")))}
    redis = runtime().redis
    checks["redis"] = _check(redis.ping) if redis is not None else "off"
    healthy = all(value in ("ok", "off") for value in checks.values())
    return jsonify(ok=healthy, **checks), 200 if healthy else 503


def _check(probe) -> str:  # type: ignore[no-untyped-def]
    try:
        probe()
    except Exception as error:  # reported, not raised: this page says what is wrong
        return f"error: {type(error).__name__}"
    return "ok"
