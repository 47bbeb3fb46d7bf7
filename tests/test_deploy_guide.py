"""docs/deploy.md is followed as written: every command its `sh` blocks show is either run
here, in order, in a sandbox (its paths moved into a temporary folder, its PostgreSQL role
and database given this run's own name, ``runuser`` dropped since the test is already the
user), or listed below with what tests it instead: a command added to the guide runs here
unless listed. The run checks what the commands promise: the settings file is made, with a
secret key, and loaded in production mode; the database migrated; the first account
created; the unit and the sites written; and a backup restored (PostgreSQL and SQLite)
brings back what it held."""

from __future__ import annotations

import getpass
import grp
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from dotenv import dotenv_values

from facilitation import ROOT

from .services import POSTGRES_ADMIN_URL

pytestmark = pytest.mark.processes

GUIDE = ROOT / "docs" / "deploy.md"
PASSWORD = "a-long-password"

# What the sandbox cannot run (root on the host, systemd, the network), and what runs it
# instead.
WHEEL = "tests/test_package.py builds the wheel, installs it in a new environment, serves"
NGINX = "tests/processes/test_behind_nginx.py runs nginx -t and nginx on this very site"
SYSTEMD = "tests/test_deploy_files.py checks the unit with systemd-analyze verify"
HEALTH = "every process test waits for /healthz (tests/servers.py)"
HOST = "the host's own packages, users and services"
METRICS = "tests/processes/test_operable.py scrapes a process's /metrics with its token"
ELSEWHERE = {
    "apt-get install -y python3-venv postgresql redis-server nginx sqlite3 curl libpango-1.0-0 "
    "libpangoft2-1.0-0 fonts-dejavu-core fonts-noto-color-emoji": HOST,
    "useradd --system --home-dir /var/lib/fabrique --shell /usr/sbin/nologin fabrique": HOST,
    "/usr/bin/python3 -m venv /opt/fabrique": WHEEL,
    "/opt/fabrique/bin/pip install -c requirements.lock fabrique-*.whl": WHEEL,
    "/opt/fabrique/bin/pip install -c requirements.lock --upgrade fabrique-*.whl": WHEEL,
    "systemctl daemon-reload": SYSTEMD,
    "systemctl enable --now fabrique@5001 fabrique@5002": SYSTEMD,
    "systemctl enable --now fabrique@5003": SYSTEMD,
    "systemctl enable --now fabrique-purge.timer": SYSTEMD,
    "systemctl stop 'fabrique@*'": SYSTEMD,
    "systemctl start fabrique@5001 fabrique@5002": SYSTEMD,
    "systemctl stop fabrique@5001": SYSTEMD,
    "systemctl start fabrique@5001": SYSTEMD,
    "for port in 5001 5002; do systemctl restart fabrique@$port; until curl -sf "
    "http://127.0.0.1:$port/healthz; do sleep 1; done; done": SYSTEMD,
    "journalctl -u 'fabrique@*' --since today": SYSTEMD,
    "curl -s http://127.0.0.1:5001/healthz": HEALTH,
    "curl -s -H \"Authorization: Bearer $(sed -n 's/^METRICS_TOKEN=//p' "
    '/etc/fabrique/fabrique.env)" http://127.0.0.1:5001/metrics': METRICS,
    "curl -s https://atelier.example.org/healthz": NGINX,
    "ln -s /etc/nginx/sites-available/fabrique /etc/nginx/sites-enabled/fabrique": HOST,
    "rm /etc/nginx/sites-enabled/default": HOST,
    "nginx -t": NGINX,
    "systemctl reload nginx": NGINX,
}
PG_TOOLS = ("createuser", "createdb", "dropdb", "pg_dump", "pg_restore")
# A PostgreSQL tool run by the command (first, or after a `(umask 077; ` prefix).
PG_COMMAND = re.compile(rf"^(\(umask 0\d\d; )?({'|'.join(PG_TOOLS)})\b")
# The role and database's name as a word of a PostgreSQL command (not inside a path).
PG_NAME = re.compile(r"(?<=[\s=])fabrique(?=\s|$)")


def guide_commands() -> list[str]:
    """Every command of the guide's `sh` blocks, in order (continued lines joined)."""
    commands, block, pending = [], False, ""
    for line in GUIDE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            block = stripped == "```sh"
            continue
        if not block or not stripped or stripped.startswith("#"):
            continue
        pending += stripped
        if pending.endswith("\\"):
            pending = pending[:-1]
        else:
            commands.append(pending)
            pending = ""
    return commands


class Sandbox:
    """The guide's machine inside a temporary folder."""

    def __init__(self, base: Path, name: str) -> None:
        self.base, self.name = base, name
        self.user, self.group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
        fabrique = base / "opt" / "fabrique" / "bin" / "fabrique"
        fabrique.parent.mkdir(parents=True)
        # This checkout's command line, where the wheel's would be.
        fabrique.write_text(
            f"#!/bin/sh\nexec {sys.executable} -c "
            f"'from facilitation.command import main; main()' \"$@\"\n"
        )
        fabrique.chmod(0o755)
        for folder in ("etc/systemd/system", "etc/nginx/sites-available", "var/backups"):
            (base / folder).mkdir(parents=True)
        admin = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.database_url = f"{admin.replace('postgres@', f'{name}@')}/{name}"
        # The settings come from the guide's file, not from this machine's environment.
        settings = set(
            re.findall(r"^#?([A-Z_]+)=", (ROOT / "deploy" / "fabrique.env").read_text(), re.M)
        )
        self.env = {
            **{
                key: value
                for key, value in os.environ.items()
                if key not in {"FLASK_APP", *settings}
            },
            "PYTHONPATH": str(ROOT),
            "PGHOST": "127.0.0.1",
            "PGUSER": "postgres",
            # Set here, they win over the settings file's (Debian's peer authentication
            # and /var/lib/fabrique are the host's).
            "DATABASE_URL": self.database_url,
            "FABRIQUE_INSTANCE": str(base / "var" / "lib" / "fabrique"),
        }

    def path(self, name: str) -> Path:
        return self.base / name.lstrip("/")

    def rewrite(self, command: str) -> str:
        command = command.replace("runuser -u fabrique -- ", "")
        command = command.replace("runuser -u postgres -- ", "")
        if PG_COMMAND.match(command):
            command = PG_NAME.sub(self.name, command)
        command = command.replace("-o fabrique -g fabrique", f"-o {self.user} -g {self.group}")
        command = command.replace("-g fabrique", f"-g {self.group}")
        command = command.replace("chgrp fabrique", f"chgrp {self.group}")
        for path in ("/opt/fabrique", "/etc/fabrique", "/var/lib/fabrique", "/var/backups",
                     "/etc/systemd/system", "/etc/nginx/sites-available"):  # fmt: skip
            command = command.replace(path, str(self.path(path)))
        return command

    def run(self, command: str, stdin: str = "", **env: str) -> str:
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", command],
            input=stdin, capture_output=True, text=True, timeout=120,
            env={**self.env, **env}, cwd=self.base, check=False,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def fabrique(self, arguments: str, stdin: str = "", **env: str) -> str:
        command = f"/opt/fabrique/bin/fabrique --env-file /etc/fabrique/fabrique.env {arguments}"
        return self.run(self.rewrite(command), stdin, **env)

    def accounts(self) -> set[str]:
        with psycopg.connect(self.database_url) as connection:
            return {row[0] for row in connection.execute("SELECT email FROM users")}

    def sqlite_accounts(self) -> set[str]:
        path = self.path("/var/lib/fabrique/fabrique.sqlite3")
        with sqlite3.connect(path) as connection:
            return {row[0] for row in connection.execute("SELECT email FROM users")}


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[Sandbox]:
    name = f"fabrique_guide_{uuid.uuid4().hex[:8]}"
    yield Sandbox(tmp_path, name)
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'DROP ROLE IF EXISTS "{name}"')


def test_every_command_of_the_guide_is_run_here_or_tested_elsewhere(sandbox: Sandbox) -> None:
    commands = guide_commands()
    assert len(commands) > 30  # the extraction works
    migrate = "--env-file /etc/fabrique/fabrique.env db upgrade"
    checks: dict[str, Callable[[], None]] = {}
    before: dict[str, Callable[[], None]] = {}

    def settings_made() -> None:
        settings = dotenv_values(sandbox.path("/etc/fabrique/fabrique.env"))
        assert len(settings["SECRET_KEY"] or "") >= 32
        assert settings["PUBLIC_URL"] == "https://atelier.example.org"
        assert settings["FABRIQUE_ENV"] == "production"  # a secret key is then required
        assert oct(sandbox.path("/etc/fabrique/fabrique.env").stat().st_mode)[-3:] == "640"

    def metrics_token() -> None:
        settings = dotenv_values(sandbox.path("/etc/fabrique/fabrique.env"))
        assert len(settings["METRICS_TOKEN"] or "") >= 32

    def account_created() -> None:
        assert sandbox.accounts() == {"dominique@example.org"}

    def only_root_reads(path: str) -> None:
        assert oct(sandbox.path(path).stat().st_mode)[-3:] == "600"

    def account_deleted() -> None:  # what happens after a backup, and is undone by it
        only_root_reads("/var/backups/fabrique.dump")
        with psycopg.connect(sandbox.database_url) as connection:
            connection.execute("DELETE FROM users")
        assert sandbox.accounts() == set()

    def sqlite_account_deleted() -> None:
        only_root_reads("/var/backups/fabrique.sqlite3")
        with sqlite3.connect(sandbox.path("/var/lib/fabrique/fabrique.sqlite3")) as connection:
            connection.execute("DELETE FROM users")
        assert sandbox.sqlite_accounts() == set()

    def restored() -> None:
        assert sandbox.accounts() == {"dominique@example.org"}

    def sqlite_database() -> None:
        sqlite_only = {"DATABASE_URL": ""}
        sandbox.fabrique("db upgrade", **sqlite_only)
        sandbox.fabrique("create-account --email dominique@example.org",
                         f"{PASSWORD}\n{PASSWORD}\n", **sqlite_only)  # fmt: skip

    def sqlite_restored() -> None:
        assert sandbox.sqlite_accounts() == {"dominique@example.org"}

    def units_and_sites() -> None:
        unit = sandbox.path("/etc/systemd/system/fabrique@.service").read_text()
        assert "ExecStart=" in unit
        site = sandbox.path("/etc/nginx/sites-available/fabrique").read_text()
        assert "server_name atelier.example.org;" in site
        assert "ssl_certificate /etc/letsencrypt/live/atelier.example.org/fullchain.pem;" in site

    checks["sed -i \"s|^PUBLIC_URL=.*|PUBLIC_URL=https://atelier.example.org|\" "
           "/etc/fabrique/fabrique.env"] = settings_made  # fmt: skip
    checks[
        "sed -i \"s|^#METRICS_TOKEN=.*|METRICS_TOKEN=$(python3 -c 'import secrets; "
        "print(secrets.token_urlsafe(32))')|\" /etc/fabrique/fabrique.env"
    ] = metrics_token
    checks[
        "runuser -u fabrique -- /opt/fabrique/bin/fabrique --env-file /etc/fabrique/fabrique.env "
        "create-account --role admin --email dominique@example.org --name Dominique"
    ] = account_created
    checks[
        "(umask 077; runuser -u postgres -- pg_dump --format=custom fabrique "
        "> /var/backups/fabrique.dump)"
    ] = account_deleted
    checks[
        "runuser -u postgres -- pg_restore --no-owner --role=fabrique --dbname=fabrique "
        "< /var/backups/fabrique.dump"
    ] = restored
    before[
        "(umask 077; runuser -u fabrique -- sqlite3 /var/lib/fabrique/fabrique.sqlite3 "
        '".backup /var/lib/fabrique/backup.sqlite3")'
    ] = sqlite_database
    checks["mv /var/lib/fabrique/backup.sqlite3 /var/backups/fabrique.sqlite3"] = (
        sqlite_account_deleted
    )
    checks[
        "install -m 640 -o fabrique -g fabrique /var/backups/fabrique.sqlite3 "
        "/var/lib/fabrique/fabrique.sqlite3"
    ] = sqlite_restored

    unknown = set(checks) | set(before)
    ran = []
    for command in commands:
        unknown.discard(command)
        if command in ELSEWHERE:
            continue
        before.get(command, lambda: None)()
        output = sandbox.run(sandbox.rewrite(command), f"{PASSWORD}\n{PASSWORD}\n")
        ran.append((command, output))
        checks.get(command, lambda: None)()
    assert not unknown, f"the test checks commands the guide no longer shows: {unknown}"
    assert migrate in " ".join(command for command, _ in ran)
    units_and_sites()
    # Every command the test does not run is one the guide shows.
    assert set(ELSEWHERE) <= set(commands)
    assert len(ran) >= 20
