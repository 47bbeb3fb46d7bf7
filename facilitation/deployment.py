"""The deployment files Fabrique ships (``deploy/``: the systemd unit, the nginx site, the
environment file), filled in for this installation by ``fabrique deploy-file``.

A file names what it needs as ``@KEY@``. A key may take several values: a line holding it
is then repeated once for each (``server @UPSTREAM@;`` becomes one line per app process).
Every key must be given or have a default; a key the file does not use, or a value that
would break the file's syntax, is refused."""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping, Sequence

from .shipped import shipped

FILES = (
    "fabrique@.service",
    "fabrique.env",
    "nginx-site.conf",
    "fabrique-purge.service",
    "fabrique-purge.timer",
)
PLACEHOLDER = re.compile(r"@([A-Z_]+)@")
# A value is one word of a configuration line: no line break, no end of a directive or
# block, no comment, no quote.
FORBIDDEN = re.compile(r"[\s;{}#\"'\\]")


class DeploymentError(ValueError):
    """The values given do not make a valid file."""


def defaults() -> dict[str, list[str]]:
    """What a key is unless given: this installation's paths, app processes listening on
    loopback, two of them (5001 and 5002) behind nginx, which takes HTTPS on 443 and plain
    HTTP (a redirect) on 80, IPv4 and IPv6."""
    return {
        "PREFIX": [sys.prefix],
        "ADDRESS": ["127.0.0.1"],
        "STATIC": [str(shipped("static"))],
        "UPSTREAM": ["127.0.0.1:5001", "127.0.0.1:5002"],
        "HTTPS_LISTEN": ["443", "[::]:443"],
        "HTTP_LISTEN": ["80", "[::]:80"],
        "CONNECTIONS_PER_ADDRESS": ["4000"],
        "ACCESS_LOG": ["/var/log/nginx/access.log"],
    }


def template(name: str) -> str:
    if name not in FILES:
        raise DeploymentError(f"No deployment file {name!r}: {', '.join(FILES)}.")
    return (shipped("deploy") / name).read_text()


def render(name: str, given: Mapping[str, Sequence[str]]) -> str:
    text = template(name)
    needed = set(PLACEHOLDER.findall(text))
    unknown = sorted(set(given) - needed)
    if unknown:
        raise DeploymentError(f"{name} has no {', '.join(unknown)} (it uses: {_list(needed)}).")
    values = {key: list(value) for key, value in defaults().items() if key in needed}
    values |= {key: list(value) for key, value in given.items()}
    for key, choices in values.items():
        for value in choices:
            if FORBIDDEN.search(value):
                raise DeploymentError(f"{key}={value!r}: spaces, quotes, ; {{ }} # are refused.")
    missing = sorted(key for key in needed if not values.get(key))
    if missing:
        settings = " ".join(f"--set {key}=..." for key in missing)
        raise DeploymentError(f"{name} needs {settings}")
    lines = []
    for line in text.splitlines():
        several = [key for key in PLACEHOLDER.findall(line) if len(values[key]) > 1]
        if len(set(several)) > 1:
            raise DeploymentError(f"{name}: one line takes several values of one key only.")
        repeated = several[0] if several else None
        for value in values[repeated] if repeated else [""]:
            chosen = {key: choices[0] for key, choices in values.items()}
            if repeated:
                chosen[repeated] = value
            lines.append(PLACEHOLDER.sub(lambda match: chosen[match.group(1)], line))  # noqa: B023
    return "\n".join(lines) + "\n"


def parse_settings(settings: Sequence[str]) -> dict[str, list[str]]:
    """``["KEY=value", "KEY=other"]`` as ``{"KEY": ["value", "other"]}``."""
    given: dict[str, list[str]] = {}
    for setting in settings:
        key, equals, value = setting.partition("=")
        if not equals or not PLACEHOLDER.fullmatch(f"@{key}@"):
            raise DeploymentError(f"{setting!r}: write KEY=VALUE, KEY in capitals.")
        given.setdefault(key, []).append(value)
    return given


def _list(keys: set[str]) -> str:
    return ", ".join(sorted(keys)) or "none"
