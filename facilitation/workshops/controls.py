"""The facilitator's controls: phases, timer, lock, joining, spotlight, the end."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l

from ..auth import Actor
from ..database import utcnow
from ..errors import Conflict, InvalidInput
from ..realtime.protocol import EventType
from ..rules import format_of, phase_changed, phase_of, workshop_ended
from .models import Status, Workshop
from .services import announce, board_view

MAX_TIMER_SECONDS = 4 * 60 * 60


def move_phase(actor: Actor, workshop: Workshop, index: int) -> Workshop:
    """Go to another phase of the format (next, previous, or any). Each phase has its own
    timer: the one left behind is put aside, paused with the time it had left, and the
    phase arrived at finds its own again (paused) or none."""
    actor.require_facilitator()
    if not 0 <= index < len(format_of(workshop).phases):
        raise InvalidInput(_l("There is no such phase."))
    if index != workshop.phase_index:
        timers = _timers_of(workshop)
        left, departed = _time_left(workshop), phase_of(workshop)
        if left:
            timers[str(workshop.phase_index)] = left
        workshop.phase_index = index
        workshop.timer_ends_at, workshop.timer_remaining = None, timers.pop(str(index), None)
        workshop.settings = {**(workshop.settings or {}), "timers": timers}
        announce(workshop, EventType.PHASE_CHANGED)
        phase_changed(workshop, departed, phase_of(workshop))
    return workshop


def _timers_of(workshop: Workshop) -> dict[str, int]:
    """The timers put aside with the phases they belong to: seconds left, by phase index."""
    return dict((workshop.settings or {}).get("timers", {}))


def _time_left(workshop: Workshop) -> int:
    """Whole seconds left on the timer, running or paused (0: none, or time is up)."""
    if workshop.timer_ends_at is not None:
        return max(0, round((workshop.timer_ends_at - utcnow()).total_seconds()))
    return workshop.timer_remaining or 0


def _seconds(value: int) -> timedelta:
    if not 0 < value <= MAX_TIMER_SECONDS:
        raise InvalidInput(_l("A timer lasts between one second and four hours."))
    return timedelta(seconds=value)


def start_timer(actor: Actor, workshop: Workshop, seconds: int) -> Workshop:
    """Count down from ``seconds``; the end time is the server's, so reloads agree."""
    actor.require_facilitator()
    workshop.timer_ends_at, workshop.timer_remaining = utcnow() + _seconds(seconds), None
    announce(workshop)
    return workshop


def pause_timer(actor: Actor, workshop: Workshop) -> Workshop:
    actor.require_facilitator()
    if workshop.timer_ends_at is None:
        raise Conflict(_l("The timer is not running."))
    workshop.timer_ends_at, workshop.timer_remaining = None, _time_left(workshop)
    announce(workshop)
    return workshop


def resume_timer(actor: Actor, workshop: Workshop) -> Workshop:
    actor.require_facilitator()
    if workshop.timer_remaining is None:
        raise Conflict(_l("The timer is not paused."))
    workshop.timer_ends_at = utcnow() + timedelta(seconds=workshop.timer_remaining)
    workshop.timer_remaining = None
    announce(workshop)
    return workshop


def add_time(actor: Actor, workshop: Workshop, seconds: int) -> Workshop:
    """Add time to a running or paused timer, or start one."""
    actor.require_facilitator()
    extra = _seconds(seconds)
    if workshop.timer_ends_at is not None:
        workshop.timer_ends_at = max(workshop.timer_ends_at, utcnow()) + extra
    elif workshop.timer_remaining is not None:
        workshop.timer_remaining += seconds
    else:
        workshop.timer_ends_at = utcnow() + extra
    announce(workshop)
    return workshop


def stop_timer(actor: Actor, workshop: Workshop) -> Workshop:
    actor.require_facilitator()
    workshop.timer_ends_at = workshop.timer_remaining = None
    announce(workshop)
    return workshop


def set_lock(actor: Actor, workshop: Workshop, locked: bool) -> Workshop:
    """A locked board takes no participant input until unlocked."""
    actor.require_facilitator()
    if workshop.locked != locked:
        workshop.locked = locked
        announce(workshop)
    return workshop


def set_joining(actor: Actor, workshop: Workshop, open_: bool) -> Workshop:
    """Close joining to keep newcomers out (the people already in keep their seat), or
    open it again."""
    actor.require_facilitator()
    if workshop.joining_open != open_:
        workshop.joining_closed_at = None if open_ else utcnow()
        announce(workshop)
    return workshop


def set_spotlight(actor: Actor, workshop: Workshop, target: str | None) -> Workshop:
    """Show one note, group or card big on the board (``target`` checked by the caller)."""
    actor.require_facilitator()
    workshop.spotlight = target
    announce(workshop)
    return workshop


def set_board_view(
    actor: Actor, workshop: Workshop, mode: str, focus: str | None, page: int | None
) -> Workshop:
    """What the board shows (``services.board_view``): a group ``focus`` is checked by the
    caller, an area one here against the format."""
    actor.require_facilitator()
    if focus and focus.startswith("area:"):
        areas = {area.key for area in format_of(workshop).areas}
        if focus.removeprefix("area:") not in areas:
            raise InvalidInput(fields={"focus": [str(_l("There is no such area."))]})
    view = {"mode": mode, "focus": focus, "page": page}
    if view != board_view(workshop):
        workshop.settings = {**(workshop.settings or {}), "board": view}
        announce(workshop)
    return workshop


def end_workshop(actor: Actor, workshop: Workshop) -> Workshop:
    """Close the workshop: participants can no longer act; its record stays."""
    actor.require_facilitator()
    if workshop.status != Status.ENDED:
        workshop.status, workshop.ended_at = Status.ENDED, utcnow()
        workshop.timer_ends_at = workshop.timer_remaining = None
        announce(workshop)
        workshop_ended(workshop)
    return workshop
