"""Staff sessions: a random cookie (only its SHA-256 is stored), a CSRF token for forms, expiry after inactivity."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Optional, Tuple

import sqlalchemy as sa

from exobot.console.database import SESSIONS, Database

COOKIE = "console_session"
LOGIN_COOKIE = "console_login"  # the login form's CSRF token, before there is a session


@dataclass(frozen=True)
class Session:
    """A logged-in member of staff."""

    token_hash: str
    staff: str
    csrf_token: str


def new_token() -> str:
    """A random, URL-safe token of 256 bits."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What is stored of a session token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def tokens_match(expected: str, given: str) -> bool:
    """Constant-time comparison; an empty token never matches."""
    return bool(expected) and hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


def start_session(db: Database, staff: str, now: float) -> Tuple[str, Session]:
    """A new session (and the cookie token that opens it) for a member of staff who logged in."""
    token = new_token()
    session = Session(token_hash(token), staff, new_token())
    with db.engine.begin() as connection:
        connection.execute(
            SESSIONS.insert().values(
                token_hash=session.token_hash,
                staff_name=staff,
                csrf_token=session.csrf_token,
                created_at=now,
                last_seen=now,
            )
        )
    return token, session


def find_session(db: Database, token: str, now: float, idle_seconds: float) -> Tuple[Optional[Session], bool]:
    """The session the cookie opens, kept alive; or (None, True) when it expired, (None, False) when unknown."""
    if not token:
        return None, False
    key = token_hash(token)
    with db.engine.begin() as connection:
        row = connection.execute(sa.select(SESSIONS).where(SESSIONS.c.token_hash == key)).first()
        if row is None:
            return None, False
        if now - row.last_seen > idle_seconds:
            connection.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == key))
            return None, True
        connection.execute(SESSIONS.update().where(SESSIONS.c.token_hash == key).values(last_seen=now))
    return Session(key, row.staff_name, row.csrf_token), False


def end_session(db: Database, token: str) -> None:
    """Log out: the session's cookie opens nothing any more."""
    with db.engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.token_hash == token_hash(token)))


def end_sessions_of(db: Database, staff: str) -> None:
    """Every session of a member of staff ends (after a new password)."""
    with db.engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.staff_name == staff))


def forget_idle_sessions(db: Database, now: float, idle_seconds: float) -> None:
    """Delete the sessions that expired."""
    with db.engine.begin() as connection:
        connection.execute(SESSIONS.delete().where(SESSIONS.c.last_seen < now - idle_seconds))
