"""Loading the workshop formats from their files, once, with errors that name the field."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from marshmallow import ValidationError

from .model import Format
from .schemas import build_format

FILE_SUFFIX = ".toml"
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FormatError(ValueError):
    """A format file is invalid; the message names the file and the field."""

    def __init__(self, path: Path, field: str, message: str) -> None:
        self.path, self.field = path, field
        super().__init__(f"{path.name}: {field}: {message}")


class FormatRegistry(Mapping[str, Format]):
    """The formats of an instance, by key (the file name without its suffix)."""

    def __init__(self, formats: Mapping[str, Format]) -> None:
        self._formats = dict(sorted(formats.items()))

    def __getitem__(self, key: str) -> Format:
        return self._formats[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._formats)

    def __len__(self) -> int:
        return len(self._formats)


# Formats already checked, by file and content: an app built again (the tests build one
# per test) reads its files but does not check them again. Formats are frozen values.
_CHECKED: dict[tuple[Path, str], Format] = {}


def load_format(path: Path) -> Format:
    key = path.stem
    if not KEY_PATTERN.match(key):
        raise FormatError(path, "(file name)", "Use lower-case letters, digits and _.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise FormatError(path, "(syntax)", str(error)) from error
    checked = _CHECKED.get((path, text))
    if checked is None:
        checked = _CHECKED[(path, text)] = _check(path, key, text)
    return checked


def _check(path: Path, key: str, text: str) -> Format:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FormatError(path, "(syntax)", str(error)) from error
    try:
        fmt = build_format(key, raw)
    except ValidationError as error:
        field, message = first_error(error.messages)
        raise FormatError(path, field, message) from error
    return Format(**{**fmt.__dict__, "source": path})


def load_formats(directory: Path) -> FormatRegistry:
    """Load every format file of a folder; the first invalid one raises FormatError."""
    paths = sorted(directory.glob(f"*{FILE_SUFFIX}"))
    if not paths:
        raise FormatError(directory, "(folder)", "No format file found.")
    return FormatRegistry({path.stem: load_format(path) for path in paths})


def first_error(messages: Any, prefix: str = "") -> tuple[str, str]:
    """Flatten marshmallow's nested messages to ('phases[2].kind', 'Must be one of ...')."""
    if isinstance(messages, list):
        if messages and isinstance(messages[0], str):
            return prefix or "(file)", messages[0]
        return first_error(messages[0], prefix) if messages else (prefix, "invalid")
    key, value = next(iter(sorted(messages.items(), key=lambda item: str(item[0]))))
    if isinstance(key, int):
        return first_error(value, f"{prefix}[{key}]")
    if key == "_schema":
        return first_error(value, prefix)
    return first_error(value, f"{prefix}.{key}" if prefix else str(key))
