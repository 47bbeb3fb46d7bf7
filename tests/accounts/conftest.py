"""Sessions are the subject here: every request must load its user afresh."""

from __future__ import annotations

import pytest
from flask import Flask

from ..security.conftest import (
    FreshClient,
    logs,  # noqa: F401 (every log record of a test)
)


@pytest.fixture
def app(app: Flask) -> Flask:
    """The suite's app, with test clients that start each request with an empty ``g``
    (Flask-Login caches the user there, and the suite's app context outlives requests)."""
    app.test_client_class = FreshClient
    return app
