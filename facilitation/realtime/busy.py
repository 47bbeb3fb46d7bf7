"""Refusing commands early when a process cannot serve them in time.

A room may send more than one process carries out (a plenary where every phone receives
every note). Past that, work piles up and every ack passes the screens' 10 s wait. A
command expected to wait longer than ``COMMAND_QUEUE_MS`` is refused at once instead,
before any database work (``Busy``: ``rate_limited``, which the screens send again a
moment later): the accepted ones stay on time, and the refused ones come back when the
room is calmer. Two waits are counted, each by this process for itself:

* the workshop's queue for its turn (``Turn``): the commands waiting for it, and the one
  holding it, times a moving average of how long one holds it;
* the process's own lateness (``Pace``): how late its event loop wakes a sleeper, that is
  how long one turn of the loop takes. A process whose CPU is full (on SQLite a turn
  never waits for another; the events sent to every phone are the work) takes long
  turns, and a command waits about ``HOPS`` of them between its socket and its ack (the
  socket read, Engine.IO, the handler's greenlet, the send queue, the writer: each
  hand-off waits for the next turn of the loop). Measured with 100 phones each receiving
  every note, on SQLite, at 200 notes/s: a loop 0.3 s late, acks 6-9 s late. That wait
  is shared by every workshop of the process, so only the workshops sending at least
  their share of the last second's commands are refused for it: a calm workshop is not
  refused because another fills the process. And it counts only while the process's
  own work fills most of a core (``SATURATED``: the processor time it used): a loop late
  because other programs keep the machine busy (a test run's browsers, another service)
  is not late because of the room's commands, and refusing them spares nothing.

A third wait is the socket's own: a socket's messages are read one at a time
(docs/architecture.md, "A socket's events, in order"), so a screen that sends several
commands without waiting for their acks (live.js's outbox after a reconnection, a phone
faster than the room) has the later ones wait unread behind the earlier, where the
turn's queue does not see them. Each command says when it was sent, by the screen's own
clock (``sent``), and ``Unread`` tells how long it waited behind its socket's earlier
messages; the refusal counts that wait too. Without it, past the rate one process carries out on
PostgreSQL, the queue for the turn stayed at one command a socket while the acks fell
past the screens' 10 s wait, and nothing was refused.

The turn's queue also shares work: a participant's hot commands (notes, dots) waiting for
it are carried out together by whichever of them takes the turn first (``Turn.grouped``:
one transaction, one commit; docs/architecture.md, "Commands that wait together are
carried out together"). The time a turn is held counts per command carried out in it.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l

from .. import metrics
from ..errors import RateLimited


class Busy(RateLimited):
    """Refused at once, before any database work, with the code screens send again later
    (docs/protocol.md, "Limits")."""

    default_message = _l("The room is busy: this will be sent again in a moment.")


class Pace:
    """How late this process runs: a sleeper's oversleep, and how many commands each
    workshop sent in the last second or so."""

    PERIOD = 0.1  # seconds the sleeper sleeps
    HOPS = 20  # turns of the loop a command waits between its socket and its ack
    SMOOTHING = 0.3  # the weight of the latest oversleep (and CPU share) in the average
    SATURATED = 0.7  # the share of a core the process uses when its own work makes it late

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        working: Callable[[], float] = time.process_time,
    ) -> None:
        self.clock, self.working = clock, working
        self.late = 0.0  # the sleeper's oversleep, a moving average
        self.busy = 0.0  # the share of a core this process used, a moving average
        self.due: float | None = None  # when the sleeper should wake (None: not watching)
        self._second = 0
        self._counts: Counter[int] = Counter()  # commands of each workshop this second
        self._before: Counter[int] = Counter()  # and in the second before
        self._lock = threading.Lock()

    def watch(self, sleep: Callable[[float], None]) -> None:
        """Sleep and wake for as long as the process lives (a background task)."""
        while True:
            started, worked = self.clock(), self.working()
            self.due = started + self.PERIOD
            sleep(self.PERIOD)
            woke = self.clock()
            share = (self.working() - worked) / max(woke - started, 1e-6)
            self.busy += self.SMOOTHING * (min(share, 1.0) - self.busy)
            self.late += self.SMOOTHING * (max(0.0, woke - self.due) - self.late)

    def expected_wait(self) -> float:
        """How long a command waits in this process, its turn aside: ``HOPS`` turns of the
        loop as long as the sleeper's oversleep (or longer, if it is overdue now); none
        while the process mostly waits for its sockets (late because of others)."""
        if self.busy < self.SATURATED:
            return 0.0
        due = self.due
        overdue = self.clock() - due if due is not None else 0.0
        return self.HOPS * max(self.late, overdue)

    def arrived(self, workshop_id: int) -> None:
        with self._lock:
            self._roll()
            self._counts[workshop_id] += 1

    def heavy(self, workshop_id: int) -> bool:
        """Whether this workshop sent at least its share of the recent commands."""
        with self._lock:
            self._roll()
            recent = self._before + self._counts
        return recent[workshop_id] * len(recent) >= recent.total()

    def _roll(self) -> None:
        second = int(self.clock())
        if second != self._second:
            self._before = self._counts if second == self._second + 1 else Counter()
            self._counts, self._second = Counter(), second


class Unread:
    """How long a socket's message waited unread behind the socket's earlier ones, kept
    for each socket (in its WSGI environ).

    A message read at once after the one before it was answered (within ``GAP``: reading
    a waiting message does not yield to the loop) was waiting while that one was handled:
    the socket is busy since the first message of that stretch was read, and no message
    waited behind the others longer than that. How long it did wait, the message says by
    the time it was sent (``sent``, the screen's clock, milliseconds from any origin): the
    least difference seen between this process's clock and the screen's is the link's
    own delay (and the clocks' offset), and a message whose difference is larger waited
    that much longer. A message that finds its socket idle waited behind nothing (a slow
    link, a loop late because of other programs: refusing it would spare nothing); one
    that says nothing of when it was sent is not counted either. A screen that misstates
    its clock only gets its own commands refused, or accepted, as it could by sending them
    at another moment."""

    GAP = 0.005  # seconds between an answer and the next read that mean the next one waited

    __slots__ = ("busy_since", "ended", "least")

    def __init__(self) -> None:
        self.busy_since = 0.0  # when the first message of the socket's busy stretch was read
        self.ended: float | None = None  # when its last message was answered
        self.least: float | None = None  # the least difference seen, in milliseconds

    def read(self, now: float) -> None:
        """A message of this socket is read at ``now`` (monotonic seconds)."""
        if self.ended is None or now - self.ended > self.GAP:
            self.busy_since = now
        self.ended = None

    def answered(self, now: float) -> None:
        self.ended = now

    def waited(self, sent: float, now: float) -> float:
        """Seconds the message being read, sent at ``sent`` (the screen's milliseconds),
        waited behind the socket's earlier ones."""
        difference = now * 1000 - sent
        if self.least is None or difference < self.least:
            self.least = difference
        return min((difference - self.least) / 1000, now - self.busy_since)


class Job:
    """A command waiting for its workshop's turn, which the first waiting command to find
    the turn free carries out with the others (``Turn.grouped``)."""

    __slots__ = ("done", "error", "result", "wake", "work")

    def __init__(self, work: Any) -> None:
        self.work = work
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.wake = threading.Event()  # set when done, or when the turn may be free

    def finish(self, result: Any = None, error: BaseException | None = None) -> None:
        self.result, self.error, self.done = result, error, True
        self.wake.set()

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result


class Turn:
    """This process's turn to change one workshop, and its queue: how many commands wait
    for it or hold it, and how long one holds it (a moving average of the last ones)."""

    SMOOTHING = 0.2  # the weight of the latest time held in the average
    GROUP = 32  # the most waiting commands carried out together
    RECHECK = 1.0  # seconds a grouped command waits before looking at the turn again
    AFTER_GATHERING = 0.0005  # seconds the commands gathered wait past the pause's end
    GATHERED = 8  # the group a pause waits for, at the room's pace (no longer than gather)

    def __init__(
        self,
        workshop_id: int,
        limit: float,
        pace: Pace,
        sleep: Callable[[float], Any] = time.sleep,
        gather: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workshop_id, self.limit, self.pace = workshop_id, limit, pace
        self.gather, self.clock = gather, clock  # gather: the longest pause, in seconds
        self.gap = self.RECHECK  # seconds between grouped commands' arrivals, moving average
        self._arrived = 0.0  # when the last grouped command arrived
        self._gathering = 0.0  # when the pause of the command that gathers the next group ends
        self.sleep = sleep  # the server's: under gevent, a yield to the other greenlets
        self.lock = threading.Lock()  # a greenlet lock under gevent
        self._counts = threading.Lock()
        self.queued = 0  # commands waiting for the turn, and the one holding it
        self.held_seconds = 0.0  # a command's share of the time the turn is held
        self._waiting: deque[Job] = deque()  # grouped commands not yet carried out
        self._blocked = 0  # commands carried out alone waiting for the lock: they go first

    def expected_wait(self) -> float:
        return self.queued * self.held_seconds

    def _too_long(self, unread: float) -> bool:
        queue = unread + self.expected_wait()
        if queue > self.limit:
            return True
        return queue + self.pace.expected_wait() > self.limit and self.pace.heavy(self.workshop_id)

    def _enter(self, refusable: bool, unread: float) -> None:
        with self._counts:
            if refusable:
                self.pace.arrived(self.workshop_id)
                if self.limit and self._too_long(unread):
                    metrics.shed(self.workshop_id)
                    raise Busy()
            self.queued += 1

    def _leave(self) -> None:
        with self._counts:
            self.queued -= 1

    def _held(self, seconds: float, commands: int = 1) -> None:
        share = seconds / commands
        self.held_seconds += self.SMOOTHING * (share - self.held_seconds)

    def _block(self, step: int) -> None:
        with self._counts:
            self._blocked += step

    def _release(self) -> None:
        self.lock.release()
        if self._waiting:  # the first grouped command left takes the turn next
            self._waiting[0].wake.set()

    @contextlib.contextmanager
    def taken(self, refusable: bool = True, unread: float = 0.0) -> Iterator[None]:
        """Hold the turn; ``Busy`` at once if a refusable command would wait too long,
        counting the ``unread`` seconds it already waited in its socket (``Unread``)."""
        self._enter(refusable, unread)
        try:
            self._block(+1)
            try:
                self.lock.acquire()
            finally:
                self._block(-1)
            started = time.perf_counter()
            try:
                yield
            finally:
                self._held(time.perf_counter() - started)
                self._release()
        finally:
            self._leave()

    def grouped(self, job: Job, carry_out: Callable[[list[Job]], None], unread: float = 0.0) -> Any:
        """Carry out ``job`` with the commands waiting beside it; ``Busy`` at once if it
        would wait too long (``unread``: as ``taken``). Whichever waiting command finds
        the turn free takes it and hands ``carry_out`` the waiting jobs, oldest first,
        ``GROUP`` at a time, until its own is done; ``carry_out`` finishes each job it
        is given. The others wait for their job to be finished, or for the turn to be
        free again."""
        self._enter(True, unread)
        self._waiting.append(job)
        try:
            # The other commands already read from their sockets get to queue beside this
            # one first: on SQLite a turn never waits for the database, so without this
            # pause no command would ever find another waiting. When commands come
            # closer together than ``gather``, the pause lasts that long (``_pause``).
            self.sleep(self._pause())
            while True:
                job.wake.clear()  # before looking: a finish from now on wakes the wait
                if job.done:
                    return job.outcome()
                # A command carried out alone (a phase move) waiting for the turn takes it
                # first: a stream of grouped ones would otherwise always find it free.
                if self._blocked or not self.lock.acquire(blocking=False):
                    job.wake.wait(self.RECHECK)
                    continue
                try:
                    while not job.done:
                        if not self._waiting:  # never: only the turn's holder takes jobs
                            job.finish(error=RuntimeError("a grouped command was lost"))
                            break
                        self._lead(carry_out)
                finally:
                    self._release()
        finally:
            self._leave()

    def _pause(self) -> float:
        """How long a grouped command that just arrived waits before looking at the turn.

        A transaction and its commit cost about as much as several of the commands in it:
        where commands come more often than one every ``gather`` seconds, the first of a
        group (nobody waiting before it) waits for the next ones, as long as the next
        ``GATHERED - 1`` take to come at the room's pace but no longer than ``gather``,
        and leads them all in one transaction (at 300 notes a second on SQLite, 1.3 -> 6
        commands a transaction, a quarter less CPU a note; docs/performance.md, "Commands
        gathered for a moment"; 4 -> 8, a fifth less CPU a dot on PostgreSQL, "Gathered
        for a group of eight").
        It does so behind a held turn too: on PostgreSQL a transaction waits on
        its round trips, and the one or two commands arriving meanwhile would otherwise
        each start a small group of their own as the turn comes free (1.8 -> 4 commands
        a transaction at 300 notes a second, "The next group gathered behind the turn").
        The commands arriving meanwhile wait for the end of that pause, so the one that
        gathers leads; a workshop where commands come further apart pays nothing, and
        neither does a crowded one (commands already waiting: they group as they are)."""
        with self._counts:
            now = self.clock()
            self.gap += self.SMOOTHING * (min(now - self._arrived, self.RECHECK) - self.gap)
            self._arrived = now
            if now < self._gathering:  # another command gathers: it leads once it wakes
                return self._gathering - now + self.AFTER_GATHERING
            gathers = self.gap < self.gather and len(self._waiting) == 1
            if not gathers:
                return 0.0
            pause = min(self.gather, self.gap * (self.GATHERED - 1))
            self._gathering = now + pause
            return pause

    def _lead(self, carry_out: Callable[[list[Job]], None]) -> None:
        jobs = [self._waiting.popleft() for _ in range(min(self.GROUP, len(self._waiting)))]
        started = time.perf_counter()
        try:
            carry_out(jobs)
        except BaseException as error:  # a bug, or the greenlet killed: no job waits forever
            for job in jobs:
                if not job.done:
                    job.finish(error=error)
            if not isinstance(error, Exception):
                raise
        else:
            for job in jobs:
                if not job.done:
                    job.finish(error=RuntimeError("a grouped command was not carried out"))
        finally:
            self._held(time.perf_counter() - started, len(jobs))
