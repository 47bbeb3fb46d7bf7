"""The REST API: flask-smorest on our marshmallow schemas, its OpenAPI document at
/api/openapi.json and its docs page at /api/docs (Swagger UI served by the app)."""

from __future__ import annotations

import threading
from typing import Any

from apispec import APISpec
from flask import Flask
from flask_login import current_user
from flask_smorest import Api, Blueprint
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
    """flask-smorest without its own error handler (it would also answer the HTML pages'
    errors; errors.py answers JSON under /api/ and HTML elsewhere), and with its OpenAPI
    document written when first read rather than with every app: describing the
    endpoints' schemas was a third of `create_app`, paid by every process and every test
    that never asks for /api/openapi.json."""

    ERROR_SCHEMA = ErrorBodySchema

    def __init__(self, app: Flask) -> None:
        self._described: APISpec | None = None
        self._undescribed: list[tuple[Blueprint, str]] = []
        self._describing = threading.Lock()
        super().__init__(app)

    @property  # type: ignore[override]
    def spec(self) -> APISpec | None:
        """The document, with every blueprint registered so far described in it."""
        if self._undescribed:
            with self._describing:
                while self._undescribed:
                    blueprint, name = self._undescribed.pop(0)
                    blueprint.register_views_in_doc(
                        self, self._app, self._described, name=name, parameters=None
                    )
                    assert self._described is not None
                    self._described.tag({"name": name, "description": blueprint.description})
        return self._described

    @spec.setter
    def spec(self, value: APISpec | None) -> None:
        self._described = value

    def register_blueprint(self, blp: Blueprint, **options: Any) -> None:  # type: ignore[override]
        """Routes now, their description when the document is first read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undescribed.append((blp, name))

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
