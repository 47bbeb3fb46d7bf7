"""An installed Fabrique works: the wheel carries the templates, static files (vendored
libraries included), formats and migrations, and its `fabrique` command migrates,
manages accounts and serves a workshop whose phones post notes live."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

from facilitation import ROOT

from .clients import LiveClient, join_as_participant
from .servers import free_port

pytestmark = pytest.mark.processes

# What a copy of the checkout leaves out: a fresh build sees only the sources (and the
# vendored assets `make setup` made), never an earlier build's leftovers.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "build", "artifacts", "instance", "*.egg-info",
    "__pycache__", ".*_cache", "tests", "benchmarks",
)  # fmt: skip
SITE_PACKAGES = Path(f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages")
DEPENDENCIES = Path(sys.executable).parent.parent / SITE_PACKAGES


def run(command: list[str], cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert done.returncode == 0, f"{command}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel built from a copy of the checkout, installed in a new virtual environment.

    The wheel is installed without its dependencies, which the new environment reads from
    this one's site-packages (installing them all again takes minutes): a path in a
    ``.pth`` file, after the environment's own, and not processed as a site directory, so
    that this environment's editable install (which points at the checkout) stays out.
    What the app needs beside its code can only come from the wheel: the test checks
    that the package is imported from the new environment and no checkout path is on
    ``sys.path``."""
    base = tmp_path_factory.mktemp("package")
    source, dist, venv, elsewhere = (base / name for name in ("src", "dist", "venv", "cwd"))
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES)
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    # As `make setup` does before a build: the catalogues compiled (the build refuses
    # stale ones).
    pybabel = Path(sys.executable).parent / "pybabel"
    run([str(pybabel), "compile", "-d", str(source / "facilitation" / "translations")],
        cwd=elsewhere, env=env)  # fmt: skip
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        cwd=elsewhere, env=env, timeout=300)  # fmt: skip
    (wheel,) = dist.glob("fabrique-*.whl")
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=elsewhere, env=env)
    (venv / SITE_PACKAGES / "dependencies.pth").write_text(f"{DEPENDENCIES}\n")
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python")]
    run([*pip, "install", "--no-deps", "-q", str(wheel)], cwd=elsewhere, env=env)
    return {"venv": venv, "cwd": elsewhere, "wheel": wheel, "base": base}


def test_the_installed_package_migrates_serves_and_takes_live_notes(installed):
    venv, cwd, base = installed["venv"], installed["cwd"], installed["base"]
    fabrique = str(venv / "bin" / "fabrique")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "FLASK_APP", "DATABASE_URL", "REDIS_URL", "FORMATS_DIR"}
    }
    env |= {
        "DATABASE_URL": f"sqlite:///{base / 'fabrique.sqlite3'}",
        "FABRIQUE_INSTANCE": str(base / "instance"),
        "BIND": f"127.0.0.1:{port}",
        "ACCESS_LOG": "",
        "LOG_LEVEL": "warning",
    }
    assert "serve" in run([fabrique, "--help"], cwd, env)
    french = venv / SITE_PACKAGES / "facilitation/translations/fr/LC_MESSAGES/messages.mo"
    assert french.exists()  # pages in French, the instance's default language
    # The deployment files name this installation: its command, its static files.
    unit = run([fabrique, "deploy-file", "fabrique@.service"], cwd, env)
    assert f"ExecStart={venv}/bin/fabrique serve" in unit
    names = ["SERVER_NAME=a.example.org", "CERTIFICATE=/c.pem", "CERTIFICATE_KEY=/k.pem"]
    settings = [part for name in names for part in ("--set", name)]
    site = run([fabrique, "deploy-file", "nginx-site.conf", *settings], cwd, env)
    assert f"alias {venv / SITE_PACKAGES / 'facilitation' / '_share' / 'static'}/;" in site
    run([fabrique, "db", "upgrade"], cwd, env)
    run([fabrique, "create-account", "--email", "dominique@example.org", "--name", "Dominique",
         "--password", "a-long-password"], cwd, env)  # fmt: skip
    script = textwrap.dedent("""
        import sys
        import facilitation
        from facilitation import create_app
        from facilitation.shipped import installed
        from facilitation.accounts import services as accounts
        from facilitation.extensions import db
        from facilitation.workshops import services as workshops

        app = create_app()
        with app.app_context():
            owner = accounts.find_by_email("dominique@example.org")
            workshop = workshops.create_workshop(owner, "brainstorm", "Plénière", "Quoi ?", "fr")
            db.session.commit()
            print(workshop.code, workshop.board_key)
        print(facilitation.__file__)
        print(installed(), app.template_folder, app.static_folder)
        print(*sys.path, sep="\\n")
    """)
    lines = run([str(venv / "bin" / "python"), "-c", script], cwd, env).splitlines()
    (code, key), package, where, path = lines[0].split(), lines[1], lines[2], lines[3:]
    assert package.startswith(str(venv / SITE_PACKAGES / "facilitation"))
    assert where.split()[0] == "True"
    assert str(venv) in where
    checkout = [
        entry for entry in path if entry.startswith(str(ROOT)) and entry != str(DEPENDENCIES)
    ]
    assert not checkout

    log = (base / "server.log").open("wb")
    server = subprocess.Popen([fabrique, "serve"], cwd=cwd, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(url, server, base / "server.log")
        home = requests.get(f"{url}/", timeout=10)
        assert home.status_code == 200
        assert "/source.zip" in home.text
        vendored = requests.get(f"{url}/static/vendor/socket.io/socket.io.esm.min.js", timeout=10)
        assert vendored.status_code == 200
        assert len(vendored.content) > 10_000

        phone = LiveClient(url, join_as_participant(url, code, "Léa")).connect()
        board = LiveClient(url).connect()
        try:
            assert phone.join(code, "phone")["ok"]
            assert board.join(code, "board", key)["ok"]
            ack = phone.send("note.post", area="ideas", text="Installée, elle tourne")
            assert ack["ok"], ack
            assert board.wait_for(lambda c: any(e["seq"] == ack["seq"] for e in c.events))
            event = next(e for e in board.events if e["seq"] == ack["seq"])
            assert event["type"] == "note.posted"
            assert event["data"]["text"] == "Installée, elle tourne"
        finally:
            phone.close()
            board.close()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def wait_ready(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited:\n{log.read_text(errors='replace')}")
        try:
            if requests.get(f"{url}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"the server did not become ready:\n{log.read_text(errors='replace')}")
