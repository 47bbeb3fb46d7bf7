"""A password hash does not stall the screens served by the same process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# In a gevent process, as under gunicorn: a greenlet ticks every 5 ms while three failed
# sign-ins' worth of scrypt is computed. Computed in the loop, the ticker cannot run at
# all meanwhile; off the loop, it keeps ticking.
SCRIPT = textwrap.dedent(
    """
    from gevent import monkey
    monkey.patch_all()
    import gevent
    from werkzeug.security import check_password_hash, generate_password_hash
    from facilitation.offload import off_the_loop

    stored = generate_password_hash("a long enough password")
    ticks = []

    def ticker():
        while True:
            ticks.append(1)
            gevent.sleep(0.005)

    def hashes(through_pool):
        ticking = gevent.spawn(ticker)
        gevent.sleep(0.02)
        before = len(ticks)
        for _ in range(3):
            if through_pool:
                assert not off_the_loop(check_password_hash, stored, "wrong")
            else:
                assert not check_password_hash(stored, "wrong")
        during = len(ticks) - before
        ticking.kill()
        return during

    print(hashes(through_pool=False), hashes(through_pool=True))
    """
)


def test_a_password_hash_leaves_the_event_loop_free_for_every_other_screen() -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    in_loop, off_loop = (int(count) for count in ran.stdout.split())
    assert in_loop == 0  # the check itself: hashing in the loop starves every greenlet
    assert off_loop > 0
