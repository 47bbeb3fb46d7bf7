"""The REST API: flask-smorest on our marshmallow schemas, its OpenAPI document at
/api/openapi.json and its docs page at /api/docs (Swagger UI served by the app)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_login import current_user
from flask_smorest import Api
from marshmallow import Schema, fields

from .accounts.models import User
from .errors import Forbidden, NotAuthenticated
from .extensions import csrf
from .realtime.schemas import MAX_ID
from .routing import IdConverter


class ErrorDetailSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields = fields.Dict()


class ErrorBodySchema(Schema):
    """Every API error: {"error": {"code", "message", "fields"?}} (errors.py)."""

    error = fields.Nested(ErrorDetailSchema, required=True)


class RestApi(Api):
    """flask-smorest without its own error handler: it would also answer the HTML pages'
    errors; errors.py answers JSON under /api/ and HTML elsewhere."""

    ERROR_SCHEMA = ErrorBodySchema

    def _register_error_handlers(self) -> None:
        """Errors are errors.py's."""


def require_user(*roles: str) -> User:
    """The signed-in staff member calling the API (401 if none, 403 if the role is wrong)."""
    if not current_user.is_authenticated:
        raise NotAuthenticated()
    if roles and current_user.role not in roles:
        raise Forbidden()
    return current_user  # type: ignore[return-value]


SETTINGS: dict[str, Any] = {
    "API_TITLE": "Fabrique",
    "API_VERSION": "1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": "Workshops, notes, groups, votes, coalitions and exports. "
            "Sign in on /login: the API uses the same session."
        },
    },
}


def init_app(app: Flask) -> None:
    from .coalitions.api import blueprint as coalitions
    from .groups.api import blueprint as groups
    from .notes.api import blueprint as notes
    from .workshops.api import blueprint as workshops

    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = RestApi(app)
    api.register_converter(
        IdConverter, lambda _: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    for blueprint in (workshops, notes, groups, coalitions):
        api.register_blueprint(blueprint)
        csrf.exempt(blueprint)  # JSON bodies from the same origin; cookies are SameSite=Lax
