"""What the bot did with visitors' messages, read from Rasa's events table: the first bot action after each one."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Collection, Dict, Iterable, List, Optional, Sequence, Tuple

import sqlalchemy as sa

from exobot.console.database import Database

DAY = 24 * 60 * 60
PERIODS = (7, 30)
OUTCOME_OF_ACTION = {
    "action_answer_faq": "answered",
    "action_give_details": "answered",
    "action_clarify": "clarified",
    "action_answer_out_of_scope": "out_of_scope",
    "action_hand_over": "handed_over",
    "action_give_urgent_care": "urgent_care",
}
OUTCOMES = ("answered", "clarified", "out_of_scope", "handed_over", "urgent_care", "other")
NOT_A_QUESTION = {"session_start"}  # the widget's /session_start when it opens: nothing the visitor asked
TOP_TOPICS = 10
URGENT_LISTED = 100


@dataclass(frozen=True)
class VisitorMessage:
    """A visitor's message and what the bot did first in reply (an OUTCOMES code)."""

    event_id: int
    sender: str
    at: float
    intent: Optional[str]
    outcome: str


@dataclass(frozen=True)
class Period:
    """The numbers of one period (the last `days` days)."""

    days: int
    conversations: int
    visitor_messages: int
    bot_messages: int
    outcomes: Dict[str, int]
    topics: List[Tuple[str, int]]

    def share(self, outcome: str) -> float:
        """The share of visitor messages with this outcome."""
        return self.outcomes.get(outcome, 0) / self.visitor_messages if self.visitor_messages else 0.0


@dataclass(frozen=True)
class UrgentConversation:
    """A conversation in which the bot gave urgent-care guidance."""

    sender: str
    last_at: float
    times: int
    text: str


@dataclass(frozen=True)
class Overview:
    """Everything the overview page shows."""

    periods: List[Period]
    per_day: List[Tuple[date, int]]
    urgent: List[UrgentConversation] = field(default_factory=list)


def read_rows(db: Database, since: float) -> List[sa.engine.Row]:
    """The user, bot and action events since `since`, each conversation's in order (no message text)."""
    events = db.events
    query = (
        sa.select(
            events.c.id,
            events.c.sender_id,
            events.c.type_name,
            events.c.intent_name,
            events.c.action_name,
            events.c.timestamp,
        )
        .where(events.c.timestamp >= since, events.c.type_name.in_(("user", "bot", "action")))
        .order_by(events.c.sender_id, events.c.id)
    )
    with db.engine.connect() as connection:
        return list(connection.execute(query))


def visitor_messages(rows: Iterable[sa.engine.Row]) -> List[VisitorMessage]:
    """Each visitor message with the first action after it (other than listening); "other" if there was none."""
    found: List[VisitorMessage] = []
    pending: Optional[sa.engine.Row] = None

    def close(action: Optional[str]) -> None:
        nonlocal pending
        if pending is not None:
            outcome = OUTCOME_OF_ACTION.get(action or "", "other")
            found.append(VisitorMessage(pending.id, pending.sender_id, pending.timestamp, pending.intent_name, outcome))
        pending = None

    for row in rows:
        if pending is not None and row.sender_id != pending.sender_id:
            close(None)
        if row.type_name == "user":
            close(None)
            pending = None if row.intent_name in NOT_A_QUESTION else row
        elif row.type_name == "action" and pending is not None:
            close(row.action_name)
    close(None)
    return found


def period(
    messages: Sequence[VisitorMessage], bot_times: Sequence[float], since: float, days: int, topics: Collection[str]
) -> Period:
    """The numbers of the messages since `since`."""
    chosen = [message for message in messages if message.at >= since]
    asked = Counter(message.intent for message in chosen if message.intent in topics)
    return Period(
        days=days,
        conversations=len({message.sender for message in chosen}),
        visitor_messages=len(chosen),
        bot_messages=sum(1 for at in bot_times if at >= since),
        outcomes={outcome: sum(1 for m in chosen if m.outcome == outcome) for outcome in OUTCOMES},
        topics=sorted(asked.items(), key=lambda item: (-item[1], item[0]))[:TOP_TOPICS],
    )


def per_day(messages: Sequence[VisitorMessage], now: float, days: int) -> List[Tuple[date, int]]:
    """Visitor messages on each of the last `days` days (the server's local dates), oldest first."""
    today = datetime.fromtimestamp(now).date()
    counts = Counter(datetime.fromtimestamp(message.at).date() for message in messages)
    return [(day, counts.get(day, 0)) for day in (today - timedelta(days=back) for back in range(days - 1, -1, -1))]


def urgent_conversations(db: Database, messages: Sequence[VisitorMessage]) -> List[UrgentConversation]:
    """The conversations given urgent-care guidance, newest first, with the visitor's latest such message."""
    latest: Dict[str, VisitorMessage] = {}
    times: Counter = Counter()
    for message in messages:
        if message.outcome == "urgent_care":
            times[message.sender] += 1
            if message.sender not in latest or message.at > latest[message.sender].at:
                latest[message.sender] = message
    newest = sorted(latest.values(), key=lambda message: -message.at)[:URGENT_LISTED]
    texts = message_texts(db, [message.event_id for message in newest])
    return [UrgentConversation(m.sender, m.at, times[m.sender], texts.get(m.event_id, "")) for m in newest]


def message_texts(db: Database, event_ids: Sequence[int]) -> Dict[int, str]:
    """The text of each of these user events."""
    if not event_ids:
        return {}
    query = sa.select(db.events.c.id, db.events.c.data).where(db.events.c.id.in_(list(event_ids)))
    with db.engine.connect() as connection:
        return {row.id: str(json.loads(row.data).get("text") or "") for row in connection.execute(query)}


def overview(db: Database, now: float, topics: Collection[str], periods: Sequence[int] = PERIODS) -> Overview:
    """The numbers of each period, visitor messages per day, and the urgent-care conversations."""
    longest = max(periods)
    rows = read_rows(db, now - longest * DAY)
    messages = visitor_messages(rows)
    bot_times = [row.timestamp for row in rows if row.type_name == "bot"]
    return Overview(
        periods=[period(messages, bot_times, now - days * DAY, days, topics) for days in periods],
        per_day=per_day(messages, now, longest),
        urgent=urgent_conversations(db, messages),
    )
