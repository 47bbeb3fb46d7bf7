"""Work that holds a processor for a while, run off the event loop.

Under gunicorn's gevent worker every socket of a process is served by one loop: a
password hash (scrypt, about 0.2 s of processor time) computed in the loop stalls every
screen of that process meanwhile. Such work runs in gevent's thread pool instead; it must
release the GIL while it works (``hashlib.scrypt`` does), or the loop would wait anyway.
Without gevent (tests, the threading server) the work runs in the caller's thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

Result = TypeVar("Result")


def _loop_is_gevent() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return bool(monkey.is_module_patched("socket"))


def off_the_loop(work: Callable[..., Result], *args: object) -> Result:
    """``work(*args)``, computed in a thread of the loop's pool when the loop is gevent's."""
    if not _loop_is_gevent():
        return work(*args)
    import gevent

    return gevent.get_hub().threadpool.apply(work, args)
