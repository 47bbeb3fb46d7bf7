"""The opinion map is computed in a process of its own, never in the serving process:
k-means and silhouettes would hold its GIL, and the live channel's loop with it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from facilitation.reactions import mapping

from .camps import seat_two_camps
from .test_reactions import notes, workshop  # noqa: F401 - fixtures

ROOM = textwrap.dedent(
    """
    import sys
    from facilitation.reactions import mapping
    answers = [[p, n, (1 if n < 3 else (1 if p < 7 else -1) * (1 if n < 5 else -1))]
               for p in range(14) for n in range(7)]
    found = mapping.compute(answers, list(range(7)))
    assert found["enough"] and sorted(g["members"] for g in found["groups"]) == [7, 7], found
    leaked = sorted(name for name in ("sklearn", "scipy") if name in sys.modules)
    print("leaked:", leaked)
    """
)


def test_the_serving_process_never_loads_the_maths():
    """A fresh process asks for a two-camp map: it gets it, with neither scikit-learn nor
    SciPy imported into it (they load in the mapping process)."""
    ran = subprocess.run(
        [sys.executable, "-c", ROOM], capture_output=True, text=True, timeout=120, check=False
    )
    assert ran.returncode == 0, ran.stderr
    assert "leaked: []" in ran.stdout


def test_a_reveal_after_the_mapping_process_died_starts_another(
    workshop,  # noqa: F811
    screens,
    control,
    notes,  # noqa: F811
):
    seat_two_camps(workshop.id, notes[:3], notes[3:5], notes[5:])
    assert control.send("opinions.reveal", revealed=True)["ok"]
    mapper = mapping.mapper()
    assert mapper.process is not None
    os.kill(mapper.process.pid, signal.SIGKILL)
    mapper.process.wait()
    assert control.send("opinions.reveal", revealed=False)["ok"]
    again = control.send("opinions.reveal", revealed=True)
    assert again["ok"], again
    assert mapper.process.poll() is None  # a new one, running


def test_a_bad_order_is_refused_and_the_process_goes_on():
    mapper = mapping.Mapper()
    try:
        with pytest.raises(mapping.MappingUnavailable):
            mapper.ask({"answers": [[1, 2]], "shown": [2]})
        assert mapper.ask({"answers": [], "shown": [1, 2]})["map"]["enough"] is False
    finally:
        mapper.stop()


def test_the_first_answer_starts_the_mapping_process_before_any_reveal(
    workshop,  # noqa: F811
    screens,
    notes,  # noqa: F811
):
    """A process's first map costs the maths's imports (over a second): the first answer
    of a room starts the mapping process in the background, so the reveal finds it ready."""
    mapper = mapping.mapper()
    mapper.stop()
    phone = screens(workshop)
    assert phone.send("react.cast", note_id=notes[0], value=1)["ok"]
    deadline = time.monotonic() + 60
    while mapper.process is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert mapper.process is not None
    assert mapper.process.poll() is None
