"""The deployment files Fabrique ships: the environment file documents every setting the
code reads (and none it does not), the systemd unit is valid for systemd, and
``fabrique deploy-file`` fills them in or says what is wrong."""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from dotenv import dotenv_values

from facilitation import ROOT
from facilitation.command import main as fabrique
from facilitation.shipped import shipped

from .nginx import deploy_file

# Where settings are read: the app's configuration and factory, and gunicorn's settings.
READERS = [*sorted((ROOT / "facilitation").rglob("*.py")), ROOT / "gunicorn.conf.py"]
READ = re.compile(r"""os\.(?:environ\.get\(|getenv\(|environ\[)\s*["']([A-Z][A-Z0-9_]*)["']""")
DOCUMENTED = re.compile(r"^#?([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def settings_read() -> set[str]:
    return {name for path in READERS for name in READ.findall(path.read_text())}


def test_the_environment_file_documents_every_setting_the_code_reads() -> None:
    read = settings_read()
    assert {"SECRET_KEY", "PROXY_COUNT", "FABRIQUE_INSTANCE", "BIND"} <= read  # the scan works
    documented = DOCUMENTED.findall(deploy_file("fabrique.env"))
    assert sorted(read - set(documented)) == []
    assert sorted(set(documented) - read) == []  # nothing documented that nothing reads
    assert len(documented) == len(set(documented))


def test_the_environment_file_is_read_as_systemd_and_the_command_line_read_it() -> None:
    """Its active lines are what production needs; the secret key is left to generate."""
    values = dotenv_values(shipped("deploy") / "fabrique.env")
    assert values == {
        "FABRIQUE_ENV": "production",
        "SECRET_KEY": "",
        "DATABASE_URL": "postgresql://fabrique@/fabrique",
        "REDIS_URL": "redis://localhost:6379/0",
        "PUBLIC_URL": "https://atelier.example.org",
        "PROXY_COUNT": "1",
        "FABRIQUE_INSTANCE": "/var/lib/fabrique",
    }


@pytest.mark.processes
def test_the_systemd_unit_is_valid_and_starts_this_installation(tmp_path: Path) -> None:
    unit = deploy_file("fabrique@.service")
    assert f"ExecStart={sys.prefix}/bin/fabrique serve --bind 127.0.0.1:%i" in unit
    assert "EnvironmentFile=/etc/fabrique/fabrique.env" in unit
    instance = tmp_path / "fabrique@5001.service"
    instance.write_text(unit)
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no", str(instance)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "Unknown" not in checked.stderr, checked.stderr


@pytest.mark.processes
def test_the_daily_purge_is_valid_for_systemd_and_runs_this_installation(tmp_path: Path) -> None:
    service = deploy_file("fabrique-purge.service")
    assert f"ExecStart={sys.prefix}/bin/fabrique purge" in service
    assert "EnvironmentFile=/etc/fabrique/fabrique.env" in service
    timer = deploy_file("fabrique-purge.timer")
    assert "Persistent=true" in timer
    (tmp_path / "fabrique-purge.service").write_text(service)
    (tmp_path / "fabrique-purge.timer").write_text(timer)
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", "--recursive-errors=no",
         str(tmp_path / "fabrique-purge.timer"), str(tmp_path / "fabrique-purge.service")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "Unknown" not in checked.stderr, checked.stderr
    calendar = subprocess.run(
        ["systemd-analyze", "calendar", "*-*-* 04:17"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert calendar.returncode == 0, calendar.stderr


def test_the_nginx_site_takes_one_line_per_app_process() -> None:
    site = deploy_file(
        "nginx-site.conf",
        SERVER_NAME="atelier.example.org",
        CERTIFICATE="/etc/ssl/atelier.pem",
        CERTIFICATE_KEY="/etc/ssl/atelier.key",
        UPSTREAM=["127.0.0.1:5001", "127.0.0.1:5002", "10.0.0.2:5001"],
    )
    assert re.findall(r"^\s*server (\S+);", site, re.MULTILINE) == [
        "127.0.0.1:5001", "127.0.0.1:5002", "10.0.0.2:5001",
    ]  # fmt: skip
    assert "listen 443 ssl;" in site
    assert "listen [::]:443 ssl;" in site
    assert f"alias {shipped('static')}/;" in site
    assert "@" not in re.sub(r"#.*", "", site)


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        ([], "needs --set CERTIFICATE=... --set CERTIFICATE_KEY=... --set SERVER_NAME=..."),
        (["SERVER_NAME=a.example.org; include /etc/passwd"], "are refused"),
        (["SERVERNAME=a.example.org"], "has no SERVERNAME"),
        (["server_name=a.example.org"], "KEY in capitals"),
    ],
)
def test_a_deployment_file_is_not_made_from_wrong_values(settings: list[str], error: str) -> None:
    arguments = ["deploy-file", "nginx-site.conf"]
    for setting in settings:
        arguments += ["--set", setting]
    result = CliRunner().invoke(fabrique, arguments)
    assert result.exit_code == 2
    assert error in result.output
    assert "server {" not in result.output


def test_processes_of_one_host_do_not_share_a_gunicorn_control_socket() -> None:
    """gunicorn's control socket defaults to one path in the user's home, the same for
    fabrique@5001 and @5002: the shipped settings turn it off (a setting gunicorn knows)."""
    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    assert config.control_socket_disable is True
    assert config.workers == 1
