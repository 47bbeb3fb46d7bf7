"""Strings the board's and the control page's scripts show (board.js, control.js)."""

from flask_babel import lazy_gettext as _l

STAFF_MESSAGES = {
    "notes_hidden_one": _l("%(n)s note written, hidden until the reveal"),
    "notes_hidden_many": _l("%(n)s notes written, hidden until the reveal"),
    "no_notes": _l("No notes yet."),
    "join_at": _l("Join at"),
    "next_phase": _l("Next phase"),
    "previous_phase": _l("Previous phase"),
}
