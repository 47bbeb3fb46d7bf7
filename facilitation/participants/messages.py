"""Strings the phone's scripts show (keys used by static/js/phone.js)."""

from flask_babel import lazy_gettext as _l

PHONE_MESSAGES = {
    "post": _l("Post"),
    "your_note": _l("Your note"),
    "chars_left": _l("%(n)s characters left"),
    "phase_closed": _l("Posting is closed in this phase."),
    "edit": _l("Edit"),
    "delete": _l("Delete"),
    "cancel": _l("Cancel"),
    "save": _l("Save"),
    "area": _l("Area"),
}
