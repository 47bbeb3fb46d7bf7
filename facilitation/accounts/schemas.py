"""Sign-in, new account and password forms."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .models import Role


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(1, 254))
    password = fields.String(required=True, validate=validate.Length(1, 200))
    next = fields.String(load_default="")
    csrf_token = fields.String(load_default="")


class NewAccountSchema(Schema):
    email = fields.Email(required=True, validate=validate.Length(max=254))
    name = fields.String(required=True, validate=validate.Length(1, 120))
    role = fields.String(required=True, validate=validate.OneOf([r.value for r in Role]))
    password = fields.String(required=True, validate=validate.Length(10, 200))


class ChangePasswordSchema(Schema):
    """The lengths are checked by the service, with the rules of every new password."""

    current_password = fields.String(required=True, validate=validate.Length(max=200))
    new_password = fields.String(required=True, validate=validate.Length(max=1000))
    new_password_again = fields.String(required=True, validate=validate.Length(max=1000))


class ForgotPasswordSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(3, 254))
