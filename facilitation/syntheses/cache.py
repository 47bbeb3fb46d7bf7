"""Exports kept on disk, named by what they were made from, so that a second download of
an unchanged workshop is a file read.

A file's name holds the workshop's id, its sequence number (the event log's head: every
change to a workshop moves it) and language, and a digest of everything else a synthesis
shows: the workshop's join code (ids start again in a new database, codes do not), its
proposals' state and members, the facilitator's name, the introduction and conclusions
the facilitator wrote, the licence and time zone, and the
code and templates that draw it. Whatever changes, the name changes: a file is never
stale, only unused, and the oldest unused ones go once the folder passes its bound.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import distinct, func, select

from ..accounts.models import User
from ..coalitions.models import Coalition, Member, Origin
from ..extensions import db
from ..realtime import eventlog
from ..shipped import PACKAGE, shipped
from ..workshops.models import Workshop

# What draws an export: when any of it changes, every name changes.
SOURCES = (PACKAGE / "syntheses", shipped("templates") / "syntheses", PACKAGE / "translations")
PARTIAL = ".part-"  # a file being written; left behind only by a killed process
STALE_PARTIAL_SECONDS = 3600


@cache
def code_digest(formats_dir: str | None) -> str:
    """A digest of the files that draw exports, and of the workshop formats' labels."""
    digest = hashlib.sha256()
    folders = list(SOURCES)
    folders.append(Path(formats_dir) if formats_dir else shipped("workshops"))
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".html", ".md", ".css", ".mo", ".toml"):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _proposals(workshop_id: int) -> list[Any]:
    """What the synthesis shows of the workshop's proposals, in one short query."""
    row = db.session.execute(
        select(
            func.count(distinct(Coalition.id)),
            func.max(Coalition.updated_at),
            func.count(Member.id),
            func.max(Member.id),
        )
        .select_from(Origin)
        .join(Coalition, Coalition.id == Origin.coalition_id)
        .outerjoin(Member, Member.coalition_id == Coalition.id)
        .where(Origin.workshop_id == workshop_id)
    ).one()
    return [str(value) for value in row]


def name_of(workshop: Workshop, kind: str, config: Any) -> str:
    """The file name an export of the workshop as it is now has."""
    head, _ = eventlog.heads(workshop.id)
    facilitator = (
        db.session.scalar(select(User.name).where(User.id == workshop.created_by_id))
        if workshop.created_by_id
        else None
    )
    facts = [
        code_digest(config.get("FORMATS_DIR")),
        workshop.code,
        facilitator,
        config.get("SYNTHESIS_LICENCE"),
        config.get("BABEL_DEFAULT_TIMEZONE"),
        workshop.synthesis_introduction,  # written beside the exports, not in the event log
        workshop.synthesis_conclusions,
        *_proposals(workshop.id),
    ]
    digest = hashlib.sha256(json.dumps(facts, default=str).encode()).hexdigest()[:20]
    return f"w{workshop.id}-s{head}-{workshop.language}-{digest}.{kind}"


class Folder:
    """The cache folder: files written whole (a partial file, then a rename), at most
    ``max_bytes`` in all, the least recently used going first."""

    def __init__(self, path: Path, max_bytes: int) -> None:
        self.path, self.max_bytes = path, max_bytes

    def find(self, name: str) -> Path | None:
        path = self.path / name
        try:
            os.utime(path)  # used now: the last to go
        except FileNotFoundError:
            return None
        return path

    def store(self, name: str, body: bytes) -> Path:
        self.path.mkdir(parents=True, exist_ok=True)
        partial = self.path / f"{PARTIAL}{secrets.token_hex(8)}"
        partial.write_bytes(body)
        final = self.path / name
        os.replace(partial, final)
        self._forget_older_versions(name)
        self.prune()
        return final

    def _forget_older_versions(self, name: str) -> None:
        """The same workshop's same export at an earlier point is of no more use."""
        workshop, kind = name.split("-", 1)[0], name.split(".", 1)[1]
        for path in self.path.glob(f"{workshop}-*.{kind}"):
            if path.name != name and path.name.split(".", 1)[1] == kind:
                path.unlink(missing_ok=True)

    def prune(self) -> None:
        """Remove the least recently used files until the folder fits its bound."""
        files = []
        for path in self.path.iterdir():
            try:
                stat = path.stat()
            except FileNotFoundError:
                continue
            if path.name.startswith(PARTIAL):
                if time.time() - stat.st_mtime > STALE_PARTIAL_SECONDS:
                    path.unlink(missing_ok=True)
                continue
            files.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in files)
        for _, size, path in sorted(files, key=lambda entry: entry[0]):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
