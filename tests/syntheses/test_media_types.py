"""Each export says once what it is: its media type and, for text, its charset."""

from __future__ import annotations

import pytest

TEXT_KINDS = {
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "notes.csv": "text/csv; charset=utf-8",
    "votes.csv": "text/csv; charset=utf-8",
    "reactions.csv": "text/csv; charset=utf-8",
    "ratings.csv": "text/csv; charset=utf-8",
    "polls.csv": "text/csv; charset=utf-8",
    "json": "application/json",
}


@pytest.mark.parametrize(("kind", "content_type"), sorted(TEXT_KINDS.items()))
def test_an_export_names_its_charset_once(staff, workshop, kind, content_type):
    response = staff.get(f"/workshops/{workshop.id}/export.{kind}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
