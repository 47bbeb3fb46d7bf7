"""Payload schemas shared by every socket command, and the join and sync requests."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

COMMAND_ID = validate.Regexp(r"^[A-Za-z0-9_-]{8,64}$", error="8 to 64 letters, digits, - or _.")


class CommandSchema(Schema):
    """Base of every command: the client-generated id that makes resends harmless."""

    command_id = fields.String(required=True, validate=COMMAND_ID)


class StrictBoolean(fields.Boolean):
    """true or false, nothing that merely looks like them ("yes", 1)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Sent(fields.Float):
    """When a screen sent a message, by its own clock: milliseconds from any origin
    (live.js sends ``performance.now()``), a finite number, not a string or a boolean."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, validate=validate.Range(0, 1e13), **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


MAX_ID = 2**31 - 1  # every database's INTEGER holds it; larger ids cannot exist


class Id(fields.Integer):
    """The id of a row: a strict integer within what a database column holds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(1, MAX_ID), **kwargs)


class Seq(fields.Integer):
    """A sequence number a screen has reached: a strict integer an event's column holds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(0, MAX_ID), **kwargs)


class SyncSchema(Schema):
    since = Seq(required=True)
    fetch = StrictBoolean(load_default=False)  # as in the join: the screen fetches bodies


class Position(fields.Integer):
    """A position in a list: a strict, bounded integer."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, validate=validate.Range(0, 1_000_000), **kwargs)
