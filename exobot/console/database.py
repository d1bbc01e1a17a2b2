"""The console's tables (staff, sessions, audit log, reviewed questions) in the conversation store's database.

The website channel's votes on answers (`answer_feedback`, exobot/server/feedback.py) are there too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from exobot.server import feedback
from exobot.tools.conversations import open_tracker_store

metadata = sa.MetaData()

STAFF = sa.Table(
    "console_staff",
    metadata,
    sa.Column("name", sa.String(80), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    sa.Column("created_at", sa.Float, nullable=False),
)

SESSIONS = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),  # SHA-256 of the cookie: a stolen table opens nothing
    sa.Column("staff_name", sa.String(80), nullable=False, index=True),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("last_seen", sa.Float, nullable=False),
)

AUDIT = sa.Table(
    "console_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False, index=True),
    sa.Column("staff_name", sa.String(80), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

REVIEWED = sa.Table(
    "console_reviewed",
    metadata,
    sa.Column("text_key", sa.String(1100), primary_key=True),  # the question, case-folded
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("decision", sa.String(80), nullable=False),  # an intent, or "skip"
    sa.Column("staff_name", sa.String(80), nullable=False),
    sa.Column("at", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class Database:
    """The conversation store's engine, Rasa's events table and the console's tables."""

    engine: sa.engine.Engine
    events: sa.Table


def database_of(store: SQLTrackerStore) -> Database:
    """The console's tables created (if missing) next to the events table of `store`."""
    for attempt in range(3):
        try:
            metadata.create_all(store.engine)
            feedback.create_table(store.engine)
            break
        except sa.exc.OperationalError:  # another process created a table at the same moment
            if attempt == 2:
                raise
            time.sleep(0.5)
    return Database(store.engine, store.SQLEvent.__table__)


def open_database(endpoints: Path) -> Database:
    """The database of the conversation store that `endpoints` configures (SQLite or PostgreSQL)."""
    create_sqlite_file(endpoints)
    return database_of(open_tracker_store(endpoints))


def create_sqlite_file(endpoints: Path) -> None:
    """An empty SQLite file where the store will be, so accounts can be made before the bot's first start."""
    if not endpoints.is_file():
        return
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None:
        return
    kind, settings = str(config.type), dict(config.kwargs)
    if kind.endswith("SQLiteTrackerStore") or (kind.upper() == "SQL" and settings.get("dialect", "sqlite") == "sqlite"):
        path = Path(settings.get("db", "rasa.db"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
