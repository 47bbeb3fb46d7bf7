"""URL converters: ids in paths are bounded like the database columns they name."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter

from .realtime.schemas import MAX_ID


class IdConverter(IntegerConverter):
    """``<id:workshop_id>``: a positive integer a database column can hold (else 404)."""

    def __init__(self, url_map, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(url_map, min=1, max=MAX_ID, **kwargs)
