from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from facilitation.extensions import db


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app as deployed: each note's vector computed once it is posted or edited."""
    app = make_app(NOTE_VECTORS=True)
    with app.app_context():
        yield app


def eventually(check: Callable[[], Any], seconds: float = 90) -> Any:
    """What ``check`` returns once truthy (the background task loads the model first)."""
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()
        found = check()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)
