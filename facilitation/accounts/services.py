"""Staff accounts: creating them, signing in and out, passwords."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from ..errors import Conflict, FabriqueError, InvalidInput, NotFound
from ..extensions import db
from ..offload import off_the_loop
from .models import Role, User, new_session_token

MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH = 10, 200
# Checked when no account has the address, so that a failed sign-in costs one hash either
# way: made by generate_password_hash (werkzeug's default scrypt, the cost of every real
# hash) from a password nobody kept. A literal, so no process pays for it at start-up.
DUMMY_HASH = (
    "scrypt:32768:8:1$op7R7VS5Uazq2Y1H$0dba6d1c199fb88c4eb87195a0d8384931ba418b7da63e0efb0013e"
    "94d479cfc98dac21065bbebe9d8cacef59c2a91cee1fa7bc6c4a8bbfb0540862ca50e0e6a"
)
CLOCK_SKEW = 300  # seconds a sign-in may seem to start in the future (several hosts' clocks)
RESET_SECONDS = 3600  # how long a password-reset link works
RESET_SALT = "fabrique.password-reset"


def begin_session(user: User) -> None:
    """Start a sign-in: from now on ``user.get_id()`` names it, for the session and the
    remember-me cookie Flask-Login writes."""
    user.signed_in_at = int(time.time())


def user_for_session(key: str, lifetime: timedelta) -> User | None:
    """The account a session or remember-me cookie names, while that sign-in holds: the
    account is active, its session token is still the one the sign-in saw (no sign-out,
    password change or suspension since), and the sign-in is younger than ``lifetime``."""
    user_id, _, rest = key.partition(":")
    token, _, started = rest.partition(":")
    if not (user_id.isdecimal() and started.isdecimal()):
        return None
    now = time.time()
    if not now - lifetime.total_seconds() < int(started) < now + CLOCK_SKEW:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not _same(user.session_token, token):
        return None
    user.signed_in_at = int(started)
    return user


def _same(given: str, secret: str) -> bool:
    return secrets.compare_digest(given.encode(), secret.encode())


def sessions_holding(user_ids: set[int]) -> dict[int, str]:
    """The session token of each of these accounts that is active: a sign-in naming
    another token, or an account missing here, has ended."""
    rows = db.session.execute(
        select(User.id, User.session_token).where(User.id.in_(user_ids), User.active)
    )
    return {row.id: row.session_token for row in rows}


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of the account, in every browser."""
    user.session_token = new_session_token()
    db.session.flush()


def _check_new_password(password: str, field: str = "password") -> None:
    """The rules of every new password: account creation, change and reset."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = _l("At least %(n)d characters.", n=MIN_PASSWORD_LENGTH)
        raise InvalidInput(fields={field: [str(message)]})
    if len(password) > MAX_PASSWORD_LENGTH:
        message = _l("At most %(n)d characters.", n=MAX_PASSWORD_LENGTH)
        raise InvalidInput(fields={field: [str(message)]})


def find_by_email(email: str) -> User | None:
    if "\x00" in email:  # no address has one, and PostgreSQL refuses it in a query
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))


def create_user(email: str, name: str, password: str, role: str = Role.FACILITATOR) -> User:
    """A new staff account; the e-mail is the login and must be unused."""
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInput(fields={"email": [str(_l("A valid e-mail address is needed."))]})
    _check_new_password(password)
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
    """The active account these credentials open, or None. Same answer, and the same work
    (one password hash), whether the account exists, is suspended or the password is wrong:
    neither the answer nor its time tells which addresses have an account."""
    user = find_by_email(email)
    if user is None:
        off_the_loop(check_password_hash, DUMMY_HASH, password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def change_password(user: User, current: str, new: str, again: str) -> None:
    """The signed-in staff member's new password; every session of the account ends (the
    edge signs the browser that asked in again)."""
    if not user.check_password(current):
        raise InvalidInput(fields={"current_password": [str(_l("Wrong password."))]})
    _set_new_password(user, new, again)


def reset_password(email: str, password: str) -> User:
    """The sysadmin's reset: a new password for the account, and every session of it ends."""
    user = find_by_email(email)
    if user is None:
        raise NotFound(_l("No account uses this e-mail address."))
    _check_new_password(password)
    user.set_password(password)
    end_sessions(user)
    return user


# --- Reset by e-mail ---------------------------------------------------------------------


def _reset_signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Names the account's current password: a new password (this link used, a change,
    another reset) makes every link made before it useless."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:32]


def reset_link_token(email: str) -> tuple[User, str] | None:
    """For a forgotten password: the active account using this address and a token of a
    link that sets its password once, within RESET_SECONDS; None when there is none (the
    edge answers the same either way)."""
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    return user, _reset_signer().dumps([user.id, _password_fingerprint(user)])


def user_for_reset(token: str, lock: bool = False) -> User | None:
    """The account a reset link opens: signed by this instance, younger than
    RESET_SECONDS, its account still active and with the password it was made for.
    ``lock``: its row locked until the transaction ends (two uses of one link at once
    take turns, and the second finds the password changed)."""
    try:
        user_id, fingerprint = _reset_signer().loads(token, max_age=RESET_SECONDS)
    except (BadSignature, ValueError, TypeError):  # expired links are bad signatures too
        return None
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    user = db.session.get(User, user_id, with_for_update=lock, populate_existing=lock)
    if user is None or not user.active:
        return None
    return user if _same(fingerprint, _password_fingerprint(user)) else None


class ResetLinkUsed(FabriqueError):
    code, status = "invalid", 400
    default_message = _l("This link no longer works: it was used, or is more than an hour old.")


def reset_by_link(token: str, new: str, again: str) -> User:
    """The new password a reset link sets; every session of the account ends, and the
    link (and any other made before) stops working."""
    user = user_for_reset(token, lock=True)
    if user is None:
        raise ResetLinkUsed()
    _set_new_password(user, new, again)
    return user


def _set_new_password(user: User, new: str, again: str) -> None:
    """A new password typed twice, checked, set; every session of the account ends."""
    _check_new_password(new, "new_password")
    if new != again:
        message = _l("The two new passwords differ.")
        raise InvalidInput(fields={"new_password_again": [str(message)]})
    user.set_password(new)
    end_sessions(user)


def has_accounts() -> bool:
    return (db.session.scalar(select(func.count(User.id))) or 0) > 0


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, User.email)))


def set_active(admin: User, user_id: int, active: bool) -> User:
    """Suspend or restore an account (an admin cannot suspend themself). Suspending ends
    its sessions too: restored, its holder signs in again."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound()
    if user.id == admin.id and not active:
        raise Conflict(_l("You cannot suspend your own account."))
    if user.active and not active:
        end_sessions(user)
    user.active = active
    return user
