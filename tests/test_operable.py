"""The log's formats (gunicorn.conf.py) and the metrics page's guard, without a server:
an exception is logged by its type and frames, never its message; /metrics does not
exist without METRICS_TOKEN and answers only its holder; Redis's refusals are counted."""

from __future__ import annotations

import json
import logging
import re
import runpy
import sys
from typing import Any

from facilitation import ROOT, metrics

SETTINGS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
SECRET = "Le texte d'une note"


def record(message: str, *args: Any, failing: bool = False) -> logging.LogRecord:
    exc_info = None
    if failing:
        try:
            raise ValueError(SECRET)
        except ValueError:
            exc_info = sys.exc_info()
    return logging.LogRecord("facilitation.realtime", logging.ERROR, __file__, 1, message, args,
                             exc_info)  # fmt: skip


def test_a_text_line_has_time_level_logger_and_request_id_and_no_exception_message() -> None:
    line = SETTINGS["TextLines"]().format(record("socket event %s failed", "note.post",
                                                 failing=True))  # fmt: skip
    first, *trace = line.splitlines()
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR facilitation\.realtime \[-\] "
        r"socket event note\.post failed",
        first,
    )
    assert trace[0] == "builtins.ValueError (message withheld)"
    assert "test_operable.py" in "\n".join(trace)
    assert SECRET not in line


def test_a_json_line_has_the_same_fields() -> None:
    entry = json.loads(SETTINGS["JsonLines"]().format(record("ready", failing=True)))
    assert set(entry) == {"time", "level", "logger", "request_id", "message", "exception"}
    assert (entry["level"], entry["logger"], entry["request_id"], entry["message"]) == (
        "ERROR", "facilitation.realtime", "-", "ready",
    )  # fmt: skip
    assert SECRET not in json.dumps(entry)


def test_every_http_answer_names_its_request_and_keeps_a_proxy_s_id(client) -> None:
    own = client.get("/healthz").headers["X-Request-Id"]
    assert re.fullmatch(r"[0-9a-f]{32}", own)
    assert client.get("/healthz").headers["X-Request-Id"] != own
    nginx = "0f" * 16
    assert client.get("/healthz", headers={"X-Request-Id": nginx}).headers["X-Request-Id"] == nginx
    odd = client.get("/healthz", headers={"X-Request-Id": "<script>"}).headers["X-Request-Id"]
    assert odd != "<script>"


def test_metrics_do_not_exist_without_a_token(client) -> None:
    assert client.get("/metrics").status_code == 404


def test_metrics_answer_the_token_s_holder_only(make_app) -> None:
    app = make_app(METRICS_TOKEN="a-token-long-enough-for-a-scraper")
    client = app.test_client()
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer a-token"})
    assert wrong.status_code == 401
    assert wrong.headers["WWW-Authenticate"] == "Bearer"
    right = client.get(
        "/metrics", headers={"Authorization": "Bearer a-token-long-enough-for-a-scraper"}
    )
    assert right.status_code == 200
    assert "fabrique_sockets_connected" in right.text
    assert right.headers["Content-Type"].startswith("text/plain")


class RedisAway:
    """python-socketio's Redis manager as it behaves when Redis is gone: it gives up."""

    def __init__(self) -> None:
        self.answers: list[int | None] = [1, None]

    def _publish(self, data: Any) -> int | None:
        return self.answers.pop(0)


def test_a_message_redis_did_not_take_is_counted() -> None:
    manager = RedisAway()
    metrics.count_publish_failures(manager)
    metrics.count_publish_failures(manager)  # counted once, however often the app starts
    before = metrics.PUBLISH_FAILURES._value.get()
    assert manager._publish({"event": "events"}) == 1
    assert metrics.PUBLISH_FAILURES._value.get() == before
    assert manager._publish({"event": "events"}) is None
    assert metrics.PUBLISH_FAILURES._value.get() == before + 1


def test_a_worker_freezes_what_it_loaded_and_collects_young_objects_less_often():
    """Once the app is loaded, the worker's collector no longer walks it, and a young
    generation holds a burst of requests' objects (gunicorn.conf.py: post_worker_init)."""
    import gc

    threshold = gc.get_threshold()
    try:
        SETTINGS["post_worker_init"](None)
        assert gc.get_freeze_count() > 10_000  # the app, its libraries, this suite
        assert gc.get_threshold() == SETTINGS["GC_THRESHOLD"]
        assert gc.get_threshold()[0] > 700
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
