"""Rasa's SQL tracker store on SQLite, with pooled connections and a write-ahead log.

With Rasa 3.6's settings SQLAlchemy opens a new SQLite connection for every read and write of a
conversation, and each write waits for a full sync to disk. Here connections are kept in a pool
and the database uses SQLite's write-ahead log with `synchronous=NORMAL`: a write survives the
bot crashing; only a power cut can lose the last moments of conversation.
"""

from typing import Any, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from exobot import rasa_compat


def _set_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    """SQLTrackerStore for a local SQLite file, tuned for a single Rasa server."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        db: Text = "rasa.db",
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        kwargs.pop("dialect", None)
        kwargs.pop("host", None)
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        engine = sa.create_engine(
            self.engine.url, poolclass=sa.pool.QueuePool, pool_size=5, connect_args={"check_same_thread": False}
        )
        sa.event.listen(engine, "connect", _set_pragmas)
        rasa_compat.replace_sql_engine(self, engine)
