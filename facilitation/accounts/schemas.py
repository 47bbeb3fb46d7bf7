"""Sign-in form."""

from __future__ import annotations

from marshmallow import Schema, fields, validate


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    next = fields.String(load_default="")
    csrf_token = fields.String(load_default="")
