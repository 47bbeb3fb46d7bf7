"""Running a fault under load and measuring what it did: attempted, acknowledged, lost,
duplicated, boards diverged, time to resync."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from facilitation.auth import Actor, ActorKind
from facilitation.extensions import db
from facilitation.notes.models import Note
from facilitation.workshops.services import get_workshop
from facilitation.workshops.snapshots import snapshot

from ..servers import ServerProcess
from ..sockets import BoardState
from .actors import Board, Ledger, Phone
from .infra import RedisServer, TcpProxy

REPORT = Path(__file__).resolve().parents[2] / "artifacts" / "chaos-report.txt"
RESYNC_DEADLINE = 45.0


@dataclass
class Cluster:
    servers: list[ServerProcess]
    redis: RedisServer
    proxy: TcpProxy
    workshop_id: int
    code: str
    key: str
    work_dir: Path
    actors: list[Any] = field(default_factory=list)

    def stop_actors(self) -> None:
        for actor in self.actors:
            actor.running = False
        for actor in self.actors:
            actor.stop()


@dataclass
class Outcome:
    name: str
    attempted: int
    acknowledged: int
    lost: int
    duplicated: int
    boards_diverged: int
    resync_seconds: float

    def line(self) -> str:
        return (
            f"{self.name:<34} attempted={self.attempted:<4} acknowledged="
            f"{self.acknowledged:<4} lost={self.lost} duplicated={self.duplicated} "
            f"boards_diverged={self.boards_diverged} resync={self.resync_seconds:.1f}s"
        )


def database_view(workshop_id: int) -> BoardState:
    db.session.rollback()
    state = BoardState()
    actor, workshop = Actor(ActorKind.BOARD, workshop_id), get_workshop(workshop_id)
    state.load(snapshot(actor, workshop, 0, budget=None))
    return state


def converged(boards: list[Board], phones: list[Phone], workshop_id: int) -> bool:
    if any(phone.outbox for phone in phones):
        return False
    view = database_view(workshop_id)
    return all(board.state == view for board in boards)


def run(
    cluster: Cluster,
    name: str,
    fault: Callable[[list[Phone]], None],
    phones: list[Phone],
    boards: list[Board],
    ledger: Ledger,
    posts_per_phone: int = 12,
) -> Outcome:
    """Phones post every 0.3 s; the fault strikes a third of the way in and the posting
    goes on until it is over; from then on the clock runs until every phone's outbox is
    empty and every board equals the database."""
    cluster.actors = [*boards, *phones]
    for actor in cluster.actors:
        actor.start()
    _wait(lambda: all(board.loaded for board in boards), 20)
    striking = threading.Thread(target=fault, args=(phones,))
    round_ = 0
    while round_ < posts_per_phone or striking.is_alive():  # the load lasts the whole fault
        if round_ == posts_per_phone // 3:
            striking.start()
        for index, phone in enumerate(phones):
            phone.post(f"{name} phone{index} note{round_}")
        round_ += 1
        time.sleep(0.3)
    striking.join()
    back = time.monotonic()  # connectivity has returned and the load has ended
    resynced = _wait(lambda: converged(boards, phones, cluster.workshop_id), RESYNC_DEADLINE)
    resync = (resynced or time.monotonic()) - back
    outcome = _tally(name, ledger, boards, cluster.workshop_id, resync)
    REPORT.parent.mkdir(exist_ok=True)
    with REPORT.open("a") as report:
        report.write(outcome.line() + "\n")
    print(outcome.line())
    return outcome


def _wait(condition: Callable[[], bool], timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.2)
    return None


def _tally(
    name: str, ledger: Ledger, boards: list[Board], workshop_id: int, resync: float
) -> Outcome:
    db.session.rollback()
    stored = Counter(db.session.scalars(select(Note.text).where(Note.workshop_id == workshop_id)))
    acked_texts = [ledger.attempted[command] for command in ledger.acked]
    never_acked = len(ledger.attempted) - len(ledger.acked) - len(ledger.refused)
    view = database_view(workshop_id)
    return Outcome(
        name=name,
        attempted=len(ledger.attempted),
        acknowledged=len(ledger.acked),
        lost=sum(1 for text in acked_texts if stored[text] == 0) + never_acked,
        duplicated=sum(count - 1 for count in stored.values() if count > 1),
        boards_diverged=sum(1 for board in boards if board.state != view),
        resync_seconds=resync,
    )
