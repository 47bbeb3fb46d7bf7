"""Strings the export links' script shows (static/js/exports.js)."""

from flask_babel import lazy_gettext as _l

EXPORT_MESSAGES = {
    "export_preparing": _l("Preparing…"),
    "export_preparing_for": _l("Preparing… %(n)s s"),
    "export_failed": _l("This export could not be prepared. Please try again later."),
}
