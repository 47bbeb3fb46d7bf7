"""Joining: the form a phone sends."""

from __future__ import annotations

from marshmallow import Schema

from ..text import UserText


class JoinSchema(Schema):
    nickname = UserText(load_default="", max_length=40, allow_empty=True, multiline=False)
