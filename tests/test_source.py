"""The AGPL's source offer: every page links to the source of the code that runs."""

from __future__ import annotations

import io
import zipfile

from facilitation.shipped import PACKAGE


def test_every_page_offers_the_source_of_the_running_code(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'href="/source.zip"' in page

    response = client.get("/source.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    for name in (
        "fabrique/facilitation/__init__.py",
        "fabrique/facilitation/source.py",
        "fabrique/templates/base.html",
        "fabrique/static/css/app.css",
        "fabrique/workshops/swot.toml",
        "fabrique/migrations/env.py",
        "fabrique/gunicorn.conf.py",
        "fabrique/pyproject.toml",
    ):
        assert name in names
    assert "GNU AFFERO GENERAL PUBLIC LICENSE" in archive.read("fabrique/LICENSE").decode()
    # What the archive holds is this very code, byte for byte.
    assert archive.read("fabrique/facilitation/source.py") == (PACKAGE / "source.py").read_bytes()
    assert not any("__pycache__" in name for name in names)


def test_a_deployment_can_point_its_source_offer_elsewhere(make_app):
    app = make_app(SOURCE_URL="https://code.example.org/fabrique")
    page = app.test_client().get("/login").get_data(as_text=True)
    assert 'href="https://code.example.org/fabrique"' in page
    assert 'href="/source.zip"' not in page
