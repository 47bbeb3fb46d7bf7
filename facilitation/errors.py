"""Domain errors, and their one mapping to an HTTP error body and to a socket error ack."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from .logs import failure


class FabriqueError(Exception):
    """An expected refusal: bad input, missing right, wrong phase. Nothing was changed."""

    code = "error"
    status = 400
    default_message: Any = _l("This action could not be carried out.")

    def __init__(self, message: Any = None, **details: Any) -> None:
        self.message = message or self.default_message
        self.details = details
        super().__init__(str(self.message))

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), **self.details}


class InvalidInput(FabriqueError):
    code, status = "invalid", 422
    default_message = _l("Some fields are not valid.")


class NotAuthenticated(FabriqueError):
    code, status = "not_authenticated", 401
    default_message = _l("Please sign in or join the workshop first.")


class Forbidden(FabriqueError):
    code, status = "forbidden", 403
    default_message = _l("You may not do this.")


class NotFound(FabriqueError):
    code, status = "not_found", 404
    default_message = _l("Not found.")


class Conflict(FabriqueError):
    code, status = "conflict", 409
    default_message = _l("This conflicts with the current state.")


class PhaseClosed(FabriqueError):
    code, status = "phase", 409
    default_message = _l("The current phase does not allow this.")


class RateLimited(FabriqueError):
    code, status = "rate_limited", 429
    default_message = _l("Too many requests; slow down a little.")


def from_validation(error: ValidationError) -> InvalidInput:
    messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
    return InvalidInput(fields=messages)


def error_ack(error: FabriqueError, command_id: str | None = None) -> dict[str, Any]:
    return {"ok": False, "command_id": command_id, "error": error.body()}


def _flatten_locations(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {...}}); callers care about fields."""
    flat: dict[str, Any] = {}
    for value in messages.values():
        flat.update(value if isinstance(value, dict) else {"_": value})
    return flat


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_errorhandlers(app: Flask) -> None:
    def log_exception(exc_info: Any) -> None:
        """Flask's own would write the exception's message, which may quote a row."""
        app.logger.error(
            "Exception on %s [%s]: %s", request.path, request.method, failure(exc_info[1])
        )

    app.log_exception = log_exception  # type: ignore[method-assign]

    @app.errorhandler(FabriqueError)
    def domain_error(error: FabriqueError):  # type: ignore[no-untyped-def]
        if _wants_json():
            return jsonify(error=error.body()), error.status
        page = render_template("error.html", status=error.status, message=error.message)
        return page, error.status

    @app.errorhandler(ValidationError)
    def validation_error(error: ValidationError):  # type: ignore[no-untyped-def]
        return domain_error(from_validation(error))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        status = error.code or 500
        if _wants_json():
            body = {"code": error.name.lower().replace(" ", "_"), "message": error.description}
            messages = (getattr(error, "data", None) or {}).get("messages")
            if messages:  # the API's argument validation (webargs)
                body = InvalidInput(fields=_flatten_locations(messages)).body()
            return jsonify(error=body), status
        return render_template("error.html", status=status, message=error.description), status
