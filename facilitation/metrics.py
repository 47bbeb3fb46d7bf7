"""Prometheus metrics of this process, at ``/metrics`` for whoever holds METRICS_TOKEN
(``Authorization: Bearer <token>``); without the setting the page does not exist (404).

Each app process counts its own: scrape every process on its own port (nginx would send
the scraper to one of them only, and the shipped site does not pass ``/metrics`` on).
Labels are bounded: event names, error codes, export kinds and workshop ids, never
anything a person typed."""

from __future__ import annotations

import hmac
from collections import Counter as Tally
from collections.abc import Callable, Iterator
from typing import Any

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # process_*: memory, CPU time, open files

EVENTS = Counter(
    "fabrique_socket_events",
    "Socket commands and queries handled, by event name and outcome (ok or refused).",
    ["event", "outcome"],
    registry=REGISTRY,
)
EVENT_SECONDS = Histogram(
    "fabrique_socket_event_seconds",
    "Time from a socket command or query's arrival to its ack, by event name.",
    ["event"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
    registry=REGISTRY,
)
REFUSED = Counter(
    "fabrique_acks_refused",
    "Acks refusing a socket event, by reason (the error code the screen receives).",
    ["reason"],
    registry=REGISTRY,
)
SHED = Counter(
    "fabrique_commands_shed",
    "Socket commands refused at once (rate_limited, resent by the screens) because their "
    "workshop's queue in this process was too long to serve them in time, by workshop id.",
    ["workshop"],
    registry=REGISTRY,
)
TOGETHER = Histogram(
    "fabrique_commands_together",
    "Participants' commands carried out in one transaction of their workshop's turn (those "
    "that waited together for it; 1: alone).",
    buckets=(1, 2, 4, 8, 16, 32),
    registry=REGISTRY,
)
PUBLISH_FAILURES = Counter(
    "fabrique_redis_publish_failures",
    "Messages to other processes that Redis did not take (screens catch up by heartbeat).",
    registry=REGISTRY,
)
EXPORT_SECONDS = Histogram(
    "fabrique_export_seconds",
    "Time an export took to make, by kind and outcome (made, or the cap or error).",
    ["kind", "outcome"],
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
    registry=REGISTRY,
)


class Sockets(Collector):
    """Joined sockets of this process, by workshop, counted when scraped."""

    def __init__(self) -> None:
        self.source: Callable[[], dict[str, Any]] = dict

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "fabrique_sockets_connected",
            "Sockets of this process joined to a workshop, by workshop id.",
            labels=["workshop"],
        )
        counts = Tally(actor.workshop_id for actor in self.source().values())
        for workshop_id, count in sorted(counts.items()):
            family.add_metric([str(workshop_id)], count)
        yield family


SOCKETS = Sockets()
REGISTRY.register(SOCKETS)


def handled(event: str, ack: dict[str, Any], seconds: float) -> None:
    """One socket event answered with ``ack`` after ``seconds``."""
    EVENT_SECONDS.labels(event).observe(seconds)
    if ack.get("ok"):
        EVENTS.labels(event, "ok").inc()
        return
    EVENTS.labels(event, "refused").inc()
    REFUSED.labels(str(ack.get("error", {}).get("code", "unknown"))).inc()


def shed(workshop_id: int) -> None:
    """One command refused because its workshop's queue was long (realtime/runtime.py)."""
    SHED.labels(str(workshop_id)).inc()


def count_publish_failures(manager: Any) -> None:
    """python-socketio's Redis manager logs a message Redis would not take, retries once,
    then gives up without raising: its publish then returns nothing, where Redis answers
    the number of listeners. Counted here, the manager otherwise unchanged."""
    publish = getattr(manager, "_publish", None)
    if publish is None or getattr(publish, "counted", False):
        return

    def counted(data: Any) -> Any:
        result = publish(data)
        if result is None:
            PUBLISH_FAILURES.inc()
        return result

    counted.counted = True  # type: ignore[attr-defined]
    manager._publish = counted


blueprint = Blueprint("metrics", __name__)


@blueprint.get("/metrics")
def metrics() -> Response:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return Response(status=401, headers={"WWW-Authenticate": "Bearer"})
    return Response(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)


def watch(connections: Callable[[], dict[str, Any]], manager: Any) -> None:
    """Count this process's sockets and its Redis manager's failures (one app a process)."""
    SOCKETS.source = connections
    count_publish_failures(manager)
