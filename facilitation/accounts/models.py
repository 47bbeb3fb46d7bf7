"""Staff accounts: admins, facilitators and coordinators. Participants have none."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..offload import off_the_loop


class Role(enum.StrEnum):
    ADMIN = "admin"
    FACILITATOR = "facilitator"
    COORDINATOR = "coordinator"


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20), default=Role.FACILITATOR)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Named by every session and remember-me cookie of the account; a new one (sign-out,
    # password change, suspension) ends them all, in every browser.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)

    # When the sign-in this object was loaded through began (Unix time). Not stored: each
    # browser's cookies carry their own, and it bounds how long they last (services).
    signed_in_at = 0

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie (both signed):
        the account, its session token and when this sign-in began."""
        return f"{self.id}:{self.session_token}:{self.signed_in_at}"

    def set_password(self, password: str) -> None:
        self.password_hash = off_the_loop(generate_password_hash, password)

    def check_password(self, password: str) -> bool:
        return off_the_loop(check_password_hash, self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def can_facilitate(self) -> bool:
        return self.role in (Role.ADMIN, Role.FACILITATOR)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"
