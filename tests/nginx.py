"""Debian's nginx, run by a test without root: the shipped site filled in by
``fabrique deploy-file``, inside a main configuration whose pid file, logs and temporary
folders live in the test's own folder, listening on free loopback ports."""

from __future__ import annotations

import getpass
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from click.testing import CliRunner

from facilitation.command import main as fabrique

from .servers import free_port

NGINX = Path("/usr/sbin/nginx")
TEMPORARY = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost, and its key (the test's own CA)."""
    certificate, key = directory / "certificate.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
         "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return certificate, key


def deploy_file(name: str, **settings: str | Sequence[str]) -> str:
    """``fabrique deploy-file NAME --set KEY=VALUE ...``, as the deploy guide runs it."""
    arguments = ["deploy-file", name]
    for key, values in settings.items():
        for value in [values] if isinstance(values, str) else values:
            arguments += ["--set", f"{key}={value}"]
    result = CliRunner().invoke(fabrique, arguments)
    assert result.exit_code == 0, result.output
    return result.output


class Nginx:
    """One nginx master on loopback serving the shipped Fabrique site."""

    def __init__(
        self, directory: Path, upstreams: Sequence[str], connections_per_address: int = 4000
    ) -> None:
        self.directory = directory
        self.https_port, self.http_port = free_port(), free_port()
        self.certificate, self.key = self_signed_certificate(directory)
        site = deploy_file(
            "nginx-site.conf",
            SERVER_NAME="localhost",
            CERTIFICATE=str(self.certificate),
            CERTIFICATE_KEY=str(self.key),
            UPSTREAM=list(upstreams),
            HTTPS_LISTEN=f"127.0.0.1:{self.https_port}",
            HTTP_LISTEN=f"127.0.0.1:{self.http_port}",
            CONNECTIONS_PER_ADDRESS=str(connections_per_address),
            ACCESS_LOG=str(directory / "site-access.log"),
        )
        (directory / "site.conf").write_text(site)
        for name in TEMPORARY:
            (directory / name).mkdir(exist_ok=True)
        temporary = "\n".join(f"    {name}_temp_path {directory / name};" for name in TEMPORARY)
        # Run as root (these machines' CI), the workers would drop to "nobody", who may not
        # read the test's folders: they keep the user the test runs as.
        user = f"user {getpass.getuser()};" if os.geteuid() == 0 else ""
        self.config = directory / "nginx.conf"
        self.config.write_text(
            f"""{user}
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} info;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {directory / "access.log"};
{temporary}
    include {directory / "site.conf"};
}}
"""
        )
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    def command(self, *arguments: str) -> list[str]:
        return [str(NGINX), "-p", str(self.directory), "-c", str(self.config), *arguments]

    def check(self) -> subprocess.CompletedProcess[str]:
        """``nginx -t``: the configuration parses, its files and certificates load."""
        return subprocess.run(
            self.command("-t"), capture_output=True, text=True, timeout=30, check=False
        )

    def start(self) -> Nginx:
        self._log = (self.directory / "nginx.out").open("ab")
        self.process = subprocess.Popen(
            self.command("-g", "daemon off;"), stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{self.errors()}")
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise TimeoutError(f"nginx did not listen:\n{self.errors()}")

    def access_log(self) -> str:
        """The site's access log (written as each response leaves)."""
        path = self.directory / "site-access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def errors(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown: open sockets are cut
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self._log:
            self._log.close()
            self._log = None
