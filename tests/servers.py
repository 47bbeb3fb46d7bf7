"""Real server processes (gunicorn, one gevent worker each), for tests and benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """One app process on its own port; started, stopped or killed by the test."""

    def __init__(
        self, env: dict[str, str], log_dir: Path, name: str = "app", app: str = "wsgi:app"
    ) -> None:
        self.port = free_port()
        self.name = name
        self.app = app
        self.env = {
            **os.environ,
            "BIND": f"127.0.0.1:{self.port}",
            "ACCESS_LOG": "",
            "LOG_LEVEL": "warning",
            "NOTE_VECTORS": "0",  # the similarity process's model takes seconds to load
            **env,
        }
        self.log_path = log_dir / f"{name}-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> ServerProcess:
        self.launch()
        self.wait_ready(timeout)
        return self

    def launch(self) -> ServerProcess:
        """Start the process without waiting for it (several can boot at once)."""
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [str(GUNICORN), "--config", "gunicorn.conf.py", self.app],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() reaches its workers
        )
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n{self.log()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        log = self.log()
        self.kill()  # a server left booting would hold its database connections
        raise TimeoutError(f"{self.name} did not become ready:\n{log}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        """Stop now (gunicorn's quick shutdown)."""
        self._signal(signal.SIGQUIT, wait=10)  # quick shutdown: tests need not wait for drains

    def kill(self) -> None:
        """SIGKILL the whole process group: no graceful anything."""
        self._signal(signal.SIGKILL, wait=10)

    def _signal(self, sig: int, wait: float) -> None:
        if self.process and self.process.poll() is None:
            if sig == signal.SIGKILL:
                os.killpg(self.process.pid, sig)
            else:
                self.process.send_signal(sig)
            try:
                self.process.wait(wait)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._log:
            self._log.close()
            self._log = None
