"""The ``fabrique`` command of an installed Fabrique: Flask's command line with the app
preset (``fabrique db upgrade``, ``fabrique create-account``, ``fabrique reset-password``,
every command of ``cli.py``), ``fabrique serve``, gunicorn with the shipped settings, and
``fabrique deploy-file``, the systemd unit, nginx site and environment file filled in."""

from __future__ import annotations

import os
import sys

import click
from flask import Flask
from flask.cli import FlaskGroup

from .deployment import FILES, DeploymentError, parse_settings, render
from .shipped import shipped


def _app() -> Flask:
    from . import create_app

    return create_app()


main = FlaskGroup(
    name="fabrique",
    create_app=_app,
    load_dotenv=False,
    help="Fabrique: live workshops. Settings come from the environment (docs/deploy.md).",
)


@main.command(
    "serve",
    with_appcontext=False,
    context_settings={"ignore_unknown_options": True, "help_option_names": []},
)
@click.argument("gunicorn_options", nargs=-1, type=click.UNPROCESSED)
def serve(gunicorn_options: tuple[str, ...]) -> None:
    """Serve Fabrique with gunicorn and its shipped settings: one gevent worker on BIND
    (127.0.0.1:5000). Further options go to gunicorn, e.g. ``--bind 0.0.0.0:8000``."""
    # The process becomes gunicorn, as `gunicorn --config gunicorn.conf.py wsgi:app` in a
    # checkout: its master imports none of the app, whose worker loads it after gevent
    # has patched the standard library.
    config = str(shipped("gunicorn.conf.py"))
    command = [sys.executable, "-m", "gunicorn", "--config", config, *gunicorn_options]
    os.execv(sys.executable, [*command, "facilitation:create_app()"])  # noqa: S606


@main.command("deploy-file", with_appcontext=False)
@click.argument("name", type=click.Choice(FILES))
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="KEY=VALUE",
    help="Fill @KEY@ in the file; repeat a key for several values (one line each).",
)
def deploy_file(name: str, settings: tuple[str, ...]) -> None:
    """Print a deployment file filled in for this installation: the systemd unit
    (fabrique@.service), the environment file (fabrique.env), the nginx site
    (nginx-site.conf, which needs SERVER_NAME, CERTIFICATE and CERTIFICATE_KEY), or the
    daily purge of the retention (fabrique-purge.service and fabrique-purge.timer)."""
    try:
        click.echo(render(name, parse_settings(settings)), nl=False)
    except DeploymentError as error:
        raise click.UsageError(str(error)) from error
