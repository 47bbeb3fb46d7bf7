"""Fabrique: live collective-intelligence workshops that become coalition proposals."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config as configuration
from .extensions import babel, csrf, db, limiter, login_manager, migrate, socketio
from .shipped import CHECKOUT, installed, shipped

ROOT = CHECKOUT  # the repository, for the tests and tools that run in a checkout


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The application; ``config`` overrides what the environment sets."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("FABRIQUE_INSTANCE") or default_instance_path(),
        static_folder=str(shipped("static")),
        template_folder=str(shipped("templates")),
    )
    app.config.from_mapping(configuration.from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    register_extensions(app)
    register_workshop_cache()
    register_formats(app)
    register_state_contributors()
    register_blueprints(app)
    register_api(app)
    register_socket_handlers()
    register_errorhandlers(app)
    register_commands(app)
    return app


def default_instance_path() -> str | None:
    """``instance/`` in a checkout; once installed, Flask's own choice for an installed
    package (``<prefix>/var/facilitation-instance``, e.g. inside its virtual environment)."""
    return None if installed() else str(CHECKOUT / "instance")


def register_extensions(app: Flask) -> None:
    from . import entry, i18n, logs, models, security  # noqa: F401 (models: every table joins the metadata)
    from .accounts.views import load_user
    from .realtime import runtime, sessions, wire
    from .realtime.publish import QueueManager
    from .realtime.websocket import CompleteWebSocketWrites
    from .workshops.shared import KeptBodies

    db.init_app(app)
    migrate.init_app(app, db, directory=str(shipped("migrations")), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    entry.init_app(app)
    logs.init_app(app)
    security.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.login_view = "accounts.login"
    babel.init_app(app, locale_selector=i18n.select_locale)
    i18n.init_app(app)
    sessions.install(app)  # a socket's events: its session, not the cookie; no URL match
    url = app.config["REDIS_URL"]
    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=url,
        # Redis carries each process's events to the others, whose deliveries to their
        # own sockets are coalesced again (realtime/publish.py). Always named: Flask-
        # SocketIO keeps the previous app's manager in its options, and an app without a
        # queue (several apps in one process: the tests) must not inherit it.
        client_manager=(
            QueueManager(url, app.config["SOCKETIO_CHANNEL"], app.config["COALESCE_MS"])
            if url
            else None
        ),
        max_http_buffer_size=64 * 1024,
        json=wire,  # integers bounded: an oversized one gets an `invalid` ack, not silence
        serializer=wire.TextPacket,
        ping_interval=20,
        ping_timeout=20,
        # A socket's events are handled one after the other in the greenlet that reads
        # the socket, not each in a greenlet of its own (docs/architecture.md, "A socket's
        # events, in order").
        async_handlers=False,
    )
    # Outside Socket.IO's own middleware: the WebSocket layer must find a socket whose
    # writes complete (realtime/websocket.py says why).
    app.wsgi_app = CompleteWebSocketWrites(app.wsgi_app)  # type: ignore[method-assign]
    # A common part's body, fetched by every phone after a phase change, answered from
    # the bytes and headers this process keeps, before Flask (workshops/shared.py).
    app.wsgi_app = KeptBodies(app, app.wsgi_app)  # type: ignore[method-assign]
    runtime.init_app(app, socketio)
    if app.config["PROXY_COUNT"]:  # behind nginx: the client's address and scheme
        # Outermost, so that the live channel (which Flask-SocketIO's middleware serves
        # before Flask sees it) also knows each socket's client address.
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)


def register_formats(app: Flask) -> None:
    from .formats import load_formats
    from .rules import FORMATS_KEY

    directory = Path(app.config["FORMATS_DIR"] or shipped("workshops"))
    app.extensions[FORMATS_KEY] = load_formats(directory)


def register_state_contributors() -> None:
    """The features that add to the workshop's state (rules.py: state_contributor) do so
    when imported: every one is, before any state is read."""
    from .groups import services as groups
    from .syntheses import publication
    from .votes import services as votes

    del groups, publication, votes  # for their contributions


def register_blueprints(app: Flask) -> None:
    from .routing import IdConverter

    app.url_map.converters["id"] = IdConverter
    from .accounts.views import blueprint as accounts
    from .coalitions.views import blueprint as coalitions
    from .dashboard.views import blueprint as dashboard
    from .health import blueprint as health
    from .metrics import blueprint as metrics
    from .participants.views import blueprint as participants
    from .privacy.views import blueprint as privacy
    from .ratings.views import blueprint as ratings
    from .source import blueprint as source
    from .syntheses.views import blueprint as syntheses
    from .workshops.views import blueprint as workshops

    for blueprint in (
        accounts,
        coalitions,
        dashboard,
        health,
        metrics,
        participants,
        privacy,
        ratings,
        source,
        syntheses,
        workshops,
    ):
        app.register_blueprint(blueprint)


def register_workshop_cache() -> None:
    """Commands read their workshop from the process's copy while its row is unchanged;
    a change that reshapes what phones see names their view as it commits."""
    from flask_sqlalchemy.session import Session

    from .workshops import cache, snapshots

    cache.install(Session)
    snapshots.install(Session)


def register_api(app: Flask) -> None:
    from . import rest

    rest.init_app(app)


def register_socket_handlers() -> None:
    """Every feature's socket handlers, on this app's Socket.IO server."""
    from .assist import hooks
    from .realtime.commands import register_handlers

    declare_socket_handlers()
    hooks.install()
    register_handlers(socketio)


def declare_socket_handlers() -> None:
    """Import every feature's socket handlers: each declares itself in realtime/commands.py."""
    from .assist import events as assist
    from .cards import events as cards
    from .coalitions import events as coalitions
    from .groups import events as groups
    from .notes import events as notes
    from .pledges import events as pledges
    from .polls import events as polls
    from .ratings import events as ratings
    from .reactions import events as reactions
    from .votes import events as votes
    from .workshops import events as workshops

    del assist, cards, coalitions, groups, notes, pledges, polls, ratings, reactions, votes
    del workshops  # handlers


def register_errorhandlers(app: Flask) -> None:
    from .errors import register_errorhandlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from .cli import register

    register(app)
