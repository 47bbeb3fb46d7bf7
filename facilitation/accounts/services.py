"""Staff accounts: creating them, signing in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from .models import Role, User

MIN_PASSWORD_LENGTH = 10


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user and user.active else None


def find_by_email(email: str) -> User | None:
    if "\x00" in email:  # no address has one, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: str = Role.FACILITATOR) -> User:
    """A new staff account; the e-mail is the login and must be unused."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInput(fields={"email": [str(_l("A valid e-mail address is needed."))]})
    if len(password) < MIN_PASSWORD_LENGTH:
        message = _l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        raise InvalidInput(fields={"password": [str(message)]})
    if role not in set(Role):
        raise InvalidInput(fields={"role": [str(_l("Unknown role."))]})
    if find_by_email(email):
        raise Conflict(_l("An account already uses this e-mail address."))
    user = User(email=email, name=name.strip() or email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active account these credentials open, or None (same answer either way)."""
    user = find_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def has_accounts() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) > 0


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def set_active(admin: User, user_id: int, active: bool) -> User:
    """Suspend or restore an account (an admin cannot suspend themself)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == admin.id and not active:
        raise Conflict(_l("You cannot suspend your own account."))
    user.active = active
    return user
