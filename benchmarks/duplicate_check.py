"""What the duplicate check costs the serving process, per posted note.

One command::

    .venv/bin/python -m benchmarks.duplicate_check [--notes 200] [--posts 30]

A workshop on a fresh SQLite file whose one area holds ``--notes`` notes (the labelled
notes of benchmarks/similarity/, repeated with small edits), their vectors stored as
the app stores them; then ``--posts`` notes posted one after the other, each checked as
the app checks a posted note once its command has committed (assist/hooks.py: its
vector computed and stored, the area's notes compared with it, a flag if it repeats
one). Reported, per posted note: the serving process's CPU time (what the live channel
loses to it) and the wall time until the check is done (the similarity process's work
and the pipe included), median and p95, after the similarity process has loaded its
model and seen the area once (the first check is reported apart).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.similarity import _edited, labelled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notes", type=int, default=200)
    parser.add_argument("--posts", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fabrique-dupcheck-"))
    os.environ["FABRIQUE_INSTANCE"] = str(folder)
    result = measure(folder, args.notes, args.posts)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for key, value in result.items():
        print(f"{key:<40} {value}")


def measure(folder: Path, count: int, posts: int) -> dict[str, float | int]:
    from facilitation import create_app
    from facilitation.accounts import services as accounts
    from facilitation.assist import hooks
    from facilitation.assist.events import prepared
    from facilitation.assist.services import area_notes
    from facilitation.auth import Actor, ActorKind
    from facilitation.database import unit_of_work
    from facilitation.extensions import db
    from facilitation.notes.services import post_note
    from facilitation.workshops.services import create_workshop, get_workshop
    from tests.services import migrate

    url = f"sqlite:///{folder / 'bench.sqlite3'}"
    migrate(url)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "SECRET_KEY": "x" * 40,
            "SOCKETIO_ASYNC_MODE": "threading",
            "REDIS_URL": None,
            "REALTIME_BACKGROUND": False,
            "NOTE_VECTORS": False,  # the checks are run here, one by one, and timed
        }
    )
    texts, _ = labelled()
    rng = random.Random(7)
    area = [
        texts[i % len(texts)] if i < len(texts) else _edited(texts[i % len(texts)], rng)
        for i in range(count)
    ]
    fresh = [f"{_edited(rng.choice(texts), rng)} ({i})" for i in range(posts)]
    with app.app_context():
        user = accounts.create_user("bench@example.org", "Bench", "a-long-password-1")
        db.session.commit()
        workshop = create_workshop(user, "brainstorm", "Bench", "Bench", "fr")
        db.session.commit()
        workshop_id = workshop.id
        actor = Actor(ActorKind.FACILITATOR, workshop_id, user_id=user.id)
        with unit_of_work(workshop_id):
            for text in area:
                post_note(actor, get_workshop(workshop_id), "ideas", text, None)
        started = time.perf_counter()
        prepared(area_notes(workshop_id, "ideas"))
        stored_in = time.perf_counter() - started
        cpu: list[float] = []
        wall: list[float] = []
        for text in fresh:
            with unit_of_work(workshop_id):
                note = post_note(actor, get_workshop(workshop_id), "ideas", text, None)
            note_id = note.id
            db.session.remove()
            c0, w0 = time.process_time(), time.perf_counter()
            hooks.check([note_id])
            cpu.append(time.process_time() - c0)
            wall.append(time.perf_counter() - w0)
        db.session.remove()

    def ms(values: list[float], q: float) -> float:
        return round(1000 * sorted(values)[min(len(values) - 1, int(q * len(values)))], 1)

    return {
        "notes in the area": count,
        "posted notes checked": posts,
        "vectors of the area, first computed (s)": round(stored_in, 2),
        "first check (ms, wall)": round(1000 * wall[0], 1),
        "serving CPU per check, median (ms)": ms(cpu[1:], 0.5),
        "serving CPU per check, p95 (ms)": ms(cpu[1:], 0.95),
        "wall per check, median (ms)": ms(wall[1:], 0.5),
        "wall per check, p95 (ms)": ms(wall[1:], 0.95),
        "mean serving CPU (ms)": round(1000 * statistics.mean(cpu[1:]), 1),
    }


if __name__ == "__main__":
    main()
