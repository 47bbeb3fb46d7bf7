"""The pieces faults are injected into: a Redis of the suite's own (stopped and started at
will), a TCP proxy in front of PostgreSQL (cut at will), two app processes."""

from __future__ import annotations

import contextlib
import select
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import redis

from ..servers import free_port


class RedisServer:
    """A redis-server process on a port of its own, that keeps nothing on disk."""

    def __init__(self, work_dir: Path) -> None:
        self.port = free_port()
        self.work_dir = work_dir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work_dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    client.close()
                    return self
            time.sleep(0.05)
        raise TimeoutError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def freeze(self) -> None:
        """Stopped, not killed: connections stay open and nothing answers (a Redis that
        hangs, or a network that drops packets), until ``thaw``."""
        assert self.process is not None
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGCONT)


class TcpProxy:
    """Forwards a local port to PostgreSQL; ``cut`` drops every connection and refuses new
    ones, as a database going away does, until ``restore``."""

    def __init__(self, target_port: int = 5432) -> None:
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.available = threading.Event()
        self.available.set()
        self.links: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.available.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.links.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, first: socket.socket, second: socket.socket) -> None:
        pair = {first: second, second: first}
        try:
            while self.available.is_set():
                ready, _, _ = select.select(list(pair), [], [], 0.2)
                for source in ready:
                    data = source.recv(65536)
                    if not data:
                        return
                    pair[source].sendall(data)
        except OSError:
            return
        finally:
            for end in pair:
                with contextlib.suppress(OSError):
                    end.close()
            with self.lock:
                self.links.difference_update(pair)

    def cut(self) -> None:
        self.available.clear()
        with self.lock:
            for link in list(self.links):
                with contextlib.suppress(OSError):
                    link.shutdown(socket.SHUT_RDWR)

    def restore(self) -> None:
        self.available.set()

    def close(self) -> None:
        self.closed = True
        self.cut()
        self.listener.close()
