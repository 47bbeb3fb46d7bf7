"""The AGPL's offer of the source (its section 13): every page's footer links to
``SOURCE_URL``, by default ``/source.zip``, the code this very copy of Fabrique runs, read
from where it is installed (a modified deployment offers its modifications unasked)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from flask import Blueprint, send_file
from flask.typing import ResponseReturnValue

from .shipped import CHECKOUT, NAMES, PACKAGE, installed, shipped

blueprint = Blueprint("source", __name__)

# In a checkout, what builds and runs it besides the package and the shipped files.
BUILD_FILES = (
    "pyproject.toml",
    "setup.py",
    "requirements.lock",
    "package.json",
    "package-lock.json",
    "Makefile",
    "babel.cfg",
    "wsgi.py",
    "README.md",
)
SKIPPED = {"__pycache__", "_share"}  # _share: walked as the shipped files, by their names


@blueprint.get("/source.zip")
def archive() -> ResponseReturnValue:
    return send_file(
        io.BytesIO(_archive()),
        mimetype="application/zip",
        download_name="fabrique-source.zip",
        as_attachment=True,
        max_age=3600,
    )


@cache
def _archive() -> bytes:
    """The zip, made once per process (a few megabytes: the vendored libraries weigh most)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, path in sorted(_files()):
            archive.write(path, f"fabrique/{name}")
    return buffer.getvalue()


def _files() -> Iterator[tuple[str, Path]]:
    yield from _tree(PACKAGE, "facilitation")
    for name in NAMES:
        yield from _tree(shipped(name), name)
    if not installed():
        for name in BUILD_FILES:
            if (CHECKOUT / name).is_file():
                yield name, CHECKOUT / name


def _tree(path: Path, name: str) -> Iterator[tuple[str, Path]]:
    if path.is_file():
        yield name, path
        return
    for child in path.rglob("*"):
        relative = child.relative_to(path)
        if child.is_file() and not SKIPPED.intersection(relative.parts) and child.suffix != ".pyc":
            yield f"{name}/{relative.as_posix()}", child
