"""Staff accounts: scrypt-hashed passwords with a salt per account, and a lock after repeated wrong passwords."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

import sqlalchemy as sa

from exobot.console.database import STAFF, Database

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
MAX_WRONG_PASSWORDS = 5
LOCK_SECONDS = 15 * 60
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,79}$")
# scrypt's cost: 2**14 blocks of 128 * r bytes = 16 MiB of memory and about 50 ms for each password tried.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES, KEY_BYTES = 16, 32
MAX_MEMORY = 64 * 1024 * 1024

OK, WRONG, LOCKED = "ok", "wrong", "locked"


@dataclass(frozen=True)
class LoginResult:
    """What a login attempt gave: ok, wrong (name or password) or locked (until `locked_until`)."""

    outcome: str
    locked_until: float = 0.0
    just_locked: bool = False  # this attempt was the wrong password that locked the account


def hash_password(password: str, salt: Optional[bytes] = None, n: int = SCRYPT_N) -> str:
    """`scrypt$n$r$p$salt$key`, the key derived from the password with a new random salt."""
    salt = secrets.token_bytes(SALT_BYTES) if salt is None else salt
    key = _scrypt(password, salt, n, SCRYPT_R, SCRYPT_P)
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${key.hex()}"


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    """hashlib.scrypt with the console's memory limit."""
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAX_MEMORY, dklen=KEY_BYTES)


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` gives the stored key (compared in constant time)."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        return hmac.compare_digest(_scrypt(password, bytes.fromhex(salt), int(n), int(r), int(p)), bytes.fromhex(key))
    except ValueError:
        return False


@lru_cache(maxsize=1)
def _unknown_account_hash() -> str:
    """A hash to check unknown names against, so they take as long to refuse as wrong passwords."""
    return hash_password(secrets.token_hex(16))


def password_problem(password: str, repeated: str) -> Optional[str]:
    """Why a new password cannot be used (mismatch, short, long), or None."""
    if password != repeated:
        return "mismatch"
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if len(password) > MAX_PASSWORD_LENGTH:
        return "long"
    return None


def valid_name(name: str) -> bool:
    """Letters, digits and . _ @ -, up to 80 characters."""
    return bool(NAME.match(name))


def save_account(db: Database, name: str, password: str, now: float) -> bool:
    """Create the account, or give it a new password (and unlock it); True when it was created."""
    values = {"password_hash": hash_password(password), "failed_logins": 0, "locked_until": 0.0}
    with db.engine.begin() as connection:
        exists = connection.execute(sa.select(STAFF.c.name).where(STAFF.c.name == name)).first() is not None
        if exists:
            connection.execute(STAFF.update().where(STAFF.c.name == name).values(**values))
        else:
            connection.execute(STAFF.insert().values(name=name, created_at=now, **values))
    return not exists


def account_names(db: Database) -> list:
    """Every staff account's name."""
    with db.engine.connect() as connection:
        return [name for (name,) in connection.execute(sa.select(STAFF.c.name).order_by(STAFF.c.name))]


def log_in(db: Database, name: str, password: str, now: float) -> LoginResult:
    """Check a name and password; the fifth wrong password in a row locks the account for 15 minutes."""
    with db.engine.begin() as connection:
        row = connection.execute(sa.select(STAFF).where(STAFF.c.name == name)).first()
        if row is None:
            verify_password(password, _unknown_account_hash())
            return LoginResult(WRONG)
        if row.locked_until > now:
            return LoginResult(LOCKED, row.locked_until)
        if verify_password(password, row.password_hash):
            connection.execute(STAFF.update().where(STAFF.c.name == name).values(failed_logins=0, locked_until=0.0))
            return LoginResult(OK)
        failed = (row.failed_logins if row.locked_until == 0 else 0) + 1
        locked_until = now + LOCK_SECONDS if failed >= MAX_WRONG_PASSWORDS else 0.0
        connection.execute(
            STAFF.update()
            .where(STAFF.c.name == name)
            .values(failed_logins=0 if locked_until else failed, locked_until=locked_until)
        )
    return LoginResult(LOCKED, locked_until, just_locked=True) if locked_until else LoginResult(WRONG)
