"""Pledge payloads."""

from __future__ import annotations

from ..realtime.schemas import CommandSchema, Id
from ..text import UserText


class PledgeSchema(CommandSchema):
    group_id = Id(required=True)
    name = UserText(load_default="", allow_empty=True, max_length=120, multiline=False)
    organisation = UserText(load_default="", allow_empty=True, max_length=160, multiline=False)


class WithdrawSchema(CommandSchema):
    group_id = Id(required=True)
