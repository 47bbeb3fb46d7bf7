"""A synthesis sent by e-mail (when SMTP is configured): its PDF attached, to a list of
addresses the facilitator types — checked whole before anything is sent."""

from __future__ import annotations

import re
from email.message import EmailMessage

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, validate

from ..errors import InvalidInput
from ..mail import message
from ..workshops.models import Workshop

MAX_RECIPIENTS = 20
SEPARATORS = re.compile(r"[\s,;]+")
_email = validate.Email()


def recipients(raw: str) -> list[str]:
    """The addresses typed (separated by commas, semicolons, spaces or lines), each once;
    ``invalid`` naming the first that is not an address, or when there are none or more
    than MAX_RECIPIENTS."""
    found: list[str] = []
    for address in SEPARATORS.split(raw.strip()):
        if not address:
            continue
        try:
            _email(address)
        except ValidationError:
            shown = address if len(address) <= 80 else address[:79] + "…"
            problem = _l("Not an e-mail address: %(address)s", address=shown)
            raise InvalidInput(fields={"addresses": [str(problem)]}) from None
        if len(address) > 254:
            raise InvalidInput(fields={"addresses": [str(_l("An address is too long."))]})
        if address.lower() not in {each.lower() for each in found}:
            found.append(address)
    if not found:
        raise InvalidInput(fields={"addresses": [str(_l("Give at least one e-mail address."))]})
    if len(found) > MAX_RECIPIENTS:
        problem = _l("At most %(n)d addresses at once.", n=MAX_RECIPIENTS)
        raise InvalidInput(fields={"addresses": [str(problem)]})
    return found


def synthesis_mail(
    workshop: Workshop, to: list[str], pdf: bytes, filename: str, link: str | None
) -> EmailMessage:
    """The message, in the workshop's language: its title and question, the published
    link when there is one, and the PDF attached."""
    with force_locale(workshop.language):
        title = workshop.title
        lines = [_("The synthesis of the workshop “%(title)s” is attached (PDF).", title=title)]
        if workshop.question:
            lines.append(_("The question: %(question)s", question=workshop.question))
        if link:
            lines.append(_("It is also published at %(link)s", link=link))
        lines.append(_("Sent from Fabrique."))
        subject = _("Synthesis: %(title)s", title=workshop.title)
    subject = " ".join(subject.split())  # a title is one line; a header must be
    return message(to, subject, "\n\n".join(lines) + "\n", (pdf, "application/pdf", filename))
