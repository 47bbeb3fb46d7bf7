"""Where the files Fabrique ships beside its code live: templates, static files (with the
vendored front-end libraries), the workshop formats, the migrations, the deployment files,
the gunicorn settings and the licence.

In a checkout they sit at the repository's top level, next to ``facilitation/``. A built
wheel carries them inside the package, under ``facilitation/_share/`` (``setup.py`` copies
them there at build time), since an installed package has no repository around it. Every
part of the app asks :func:`shipped` rather than guessing a path.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
INSTALLED = PACKAGE / "_share"
CHECKOUT = PACKAGE.parent

# What a wheel carries under _share/, by its name at the repository's top level.
NAMES = (
    "templates", "static", "workshops", "migrations", "deploy", "gunicorn.conf.py", "LICENSE",
)  # fmt: skip


def installed() -> bool:
    """Whether this is an installed wheel (the checkout's layout is not around it)."""
    return INSTALLED.is_dir()


def shipped(name: str) -> Path:
    """The path of one of ``NAMES``, wherever this copy of Fabrique keeps it."""
    if name not in NAMES:
        raise ValueError(f"Fabrique ships no {name!r}")
    return (INSTALLED if installed() else CHECKOUT) / name
