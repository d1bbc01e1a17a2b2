"""The audit log: who changed what, and when (labels, trainings, rollbacks, answer edits, exports, logins)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa

from exobot.console.database import AUDIT, Database


@dataclass(frozen=True)
class Entry:
    """One line of the audit log; `action` is a code the audit page names."""

    at: float
    staff: str
    action: str
    detail: str


def record(db: Database, staff: str, action: str, detail: str = "", now: Optional[float] = None) -> None:
    """Add a line to the audit log."""
    with db.engine.begin() as connection:
        connection.execute(
            AUDIT.insert().values(
                at=time.time() if now is None else now, staff_name=staff, action=action, detail=detail
            )
        )


def recent(db: Database, limit: int = 200) -> List[Entry]:
    """The latest lines, newest first."""
    query = sa.select(AUDIT).order_by(AUDIT.c.at.desc(), AUDIT.c.id.desc()).limit(limit)
    with db.engine.connect() as connection:
        return [Entry(row.at, row.staff_name, row.action, row.detail) for row in connection.execute(query)]


def count(db: Database) -> int:
    """How many lines the log has."""
    with db.engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(AUDIT)).scalar() or 0)
