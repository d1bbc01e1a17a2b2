"""Rasa's SQL tracker store, reading only the recent part of a conversation, and tuned for SQLite.

Rasa 3.6 reads and replays every event of the current session on every turn, so a turn's cost grows
with the length of the conversation (RasaHQ/rasa issues 3011 and 6334). The policies and actions here
need only the last few turns (rules look one turn back, the memoization policy five), and the slots:
`BoundedSQLTrackerStore` loads the last `max_event_history` (40) events of the session, with the session's
latest value of each slot set before them, and on saving writes only the events added since, in one
statement. Nothing stored is dropped: the full conversation stays in the database (`make review`,
`make purge`, the HTTP API's /conversations read all of it).

`SQLiteTrackerStore` is the same on a local SQLite file with pooled connections and a write-ahead log:
Rasa's settings open a new connection for every read and write and wait for a full disk sync on every
commit; with `synchronous=NORMAL` a write survives the bot crashing, only a power cut can lose the last
moments of conversation.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Dict, List, Optional, Text

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from exobot import rasa_compat

DEFAULT_MAX_EVENT_HISTORY = 40  # a turn is 5 to 8 events: the memoization policy looks 5 turns back
REMEMBERED_TRACKERS = 10_000


class BoundedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore whose trackers hold the recent events of the session and every slot's value."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        event_broker: Optional[EventBroker] = None,
        max_event_history: int = DEFAULT_MAX_EVENT_HISTORY,
        **kwargs: Any,
    ) -> None:
        super().__init__(domain=domain, event_broker=event_broker, **kwargs)
        self.recent_events = int(max_event_history)
        # how many events of each retrieved tracker came from the database: the rest are new on saving
        self._stored_count: "OrderedDict[Text, int]" = OrderedDict()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The current session's last events, after the latest value of each slot set before them."""
        with self.session_scope() as session:
            query = rasa_compat.session_event_query(self, session, sender_id)
            rows = query.order_by(None).order_by(self.SQLEvent.id.desc()).limit(self.recent_events).all()[::-1]
            if not rows:
                return None
            events = self._slots_set_before(session, sender_id, rows[0].id) if len(rows) == self.recent_events else []
            events += [json.loads(row.data) for row in rows]
        self._remember(sender_id, len(events))
        return DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)

    def _slots_set_before(self, session: Any, sender_id: Text, first_id: int) -> List[Dict[Text, Any]]:
        """The latest SlotSet of each slot in the session before event `first_id` (slot events keep
        the slot's name in the `action_name` column)."""
        query = rasa_compat.session_event_query(self, session, sender_id)
        found = []
        for slot in self.domain.slots:
            row = (
                query.filter(
                    self.SQLEvent.type_name == SlotSet.type_name,
                    self.SQLEvent.action_name == slot.name,
                    self.SQLEvent.id < first_id,
                )
                .order_by(None)
                .order_by(self.SQLEvent.id.desc())
                .first()
            )
            if row is not None:
                found.append(json.loads(row.data))
        return found

    def _remember(self, sender_id: Text, count: int) -> None:
        self._stored_count[sender_id] = count
        self._stored_count.move_to_end(sender_id)
        while len(self._stored_count) > REMEMBERED_TRACKERS:
            self._stored_count.popitem(last=False)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Write the events added since the tracker was retrieved, in one statement."""
        await self.stream_events(tracker)
        stored = self._stored_count.pop(tracker.sender_id, None)
        with self.session_scope() as session:
            new_events = (
                list(tracker.events)[stored:] if stored is not None else list(self._additional_events(session, tracker))
            )
            rows = [self._row(tracker.sender_id, event.as_dict(), event.type_name) for event in new_events]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()

    @staticmethod
    def _row(sender_id: Text, data: Dict[Text, Any], type_name: Text) -> Dict[Text, Any]:
        """A row of Rasa's events table, as SQLTrackerStore.save writes it."""
        return {
            "sender_id": sender_id,
            "type_name": type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }


def _set_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class SQLiteTrackerStore(BoundedSQLTrackerStore):
    """BoundedSQLTrackerStore on a local SQLite file, tuned for a single Rasa server."""

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
