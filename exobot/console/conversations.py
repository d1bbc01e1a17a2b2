"""Stored conversations: search by text and date, and transcripts with what the bot understood."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Dict, List, Optional, Tuple

import sqlalchemy as sa

from exobot.console.database import Database
from exobot.console.stats import NOT_A_QUESTION, OUTCOME_OF_ACTION
from exobot.server.feedback import feedback_of

LISTED = 100
LIKE_ESCAPE = "!"


@dataclass(frozen=True)
class Summary:
    """A conversation in a list of search results."""

    sender: str
    first_at: float
    last_at: float
    visitor_messages: int
    match: str = ""


@dataclass(frozen=True)
class Line:
    """One step of a transcript: kind is visitor, bot or session (a new session started)."""

    kind: str
    at: float
    text: str = ""
    intent: str = ""
    confidence: Optional[float] = None
    outcome: str = ""
    buttons: List[str] = field(default_factory=list)
    answer_id: str = ""  # a curated answer's id, which visitors' votes name


def day_range(start: Optional[date], end: Optional[date]) -> Tuple[Optional[float], Optional[float]]:
    """Timestamps from the start of `start` to the end of `end` (local time); None where open."""
    begin = datetime.combine(start, time()).timestamp() if start else None
    finish = datetime.combine(end + timedelta(days=1), time()).timestamp() if end else None
    return begin, finish


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds `text` as Rasa stores it (inside JSON), with LIKE's wildcards escaped."""
    stored = json.dumps(text)[1:-1]
    for special in (LIKE_ESCAPE, "%", "_"):
        stored = stored.replace(special, LIKE_ESCAPE + special)
    return f"%{stored}%"


def _visitor_count(events: sa.Table):
    """SQL: 1 for a visitor's message (not the widget opening), else 0."""
    intent = sa.func.coalesce(events.c.intent_name, "")
    return sa.case((sa.and_(events.c.type_name == "user", intent.notin_(sorted(NOT_A_QUESTION))), 1), else_=0)


def summaries(db: Database, senders: List[str], matches: Dict[str, str]) -> List[Summary]:
    """First and last time and number of visitor messages of these conversations, most recent first."""
    if not senders:
        return []
    events = db.events
    query = (
        sa.select(
            events.c.sender_id,
            sa.func.min(events.c.timestamp),
            sa.func.max(events.c.timestamp),
            sa.func.sum(_visitor_count(events)),
        )
        .where(events.c.sender_id.in_(senders), events.c.type_name.in_(("user", "bot")))
        .group_by(events.c.sender_id)
    )
    with db.engine.connect() as connection:
        rows = list(connection.execute(query))
    found = [
        Summary(sender, first, last, int(count or 0), matches.get(sender, "")) for sender, first, last, count in rows
    ]
    return sorted(found, key=lambda summary: -summary.last_at)


def _in_range(query: sa.sql.Select, column: sa.Column, begin: Optional[float], finish: Optional[float]):
    """The query limited to timestamps in [begin, finish)."""
    if begin is not None:
        query = query.where(column >= begin)
    if finish is not None:
        query = query.where(column < finish)
    return query


def search(
    db: Database, text: str = "", start: Optional[date] = None, end: Optional[date] = None, limit: int = LISTED
) -> List[Summary]:
    """Conversations with a message containing `text` (any case) between the dates, most recent first."""
    events = db.events
    begin, finish = day_range(start, end)
    if not text.strip():
        query = sa.select(events.c.sender_id, sa.func.max(events.c.timestamp).label("last"))
        query = _in_range(query.where(events.c.type_name.in_(("user", "bot"))), events.c.timestamp, begin, finish)
        query = query.group_by(events.c.sender_id).order_by(sa.desc("last")).limit(limit)
        with db.engine.connect() as connection:
            return summaries(db, [sender for sender, _ in connection.execute(query)], {})
    wanted = text.strip().casefold()
    query = sa.select(events.c.sender_id, events.c.data).where(
        events.c.type_name.in_(("user", "bot")), events.c.data.ilike(like_pattern(text.strip()), escape=LIKE_ESCAPE)
    )
    query = _in_range(query, events.c.timestamp, begin, finish).order_by(events.c.timestamp.desc())
    matches: Dict[str, str] = {}
    with db.engine.connect() as connection:
        for sender, data in connection.execute(query):
            said = str(json.loads(data).get("text") or "")
            if sender not in matches and wanted in said.casefold():
                matches[sender] = said
                if len(matches) >= limit:
                    break
    return summaries(db, list(matches), matches)


def transcript(db: Database, sender: str) -> List[Line]:
    """The conversation's messages in order, each visitor message with its intent, confidence and outcome."""
    events = db.events
    query = (
        sa.select(events.c.type_name, events.c.timestamp, events.c.action_name, events.c.data)
        .where(events.c.sender_id == sender, events.c.type_name.in_(("user", "bot", "action", "session_started")))
        .order_by(events.c.id)
    )
    lines: List[Line] = []
    waiting: Optional[int] = None  # the visitor line whose reply is not known yet
    with db.engine.connect() as connection:
        for kind, at, action, data in connection.execute(query):
            if kind == "action":
                if waiting is not None and action != "action_listen":
                    lines[waiting] = _with_outcome(lines[waiting], OUTCOME_OF_ACTION.get(action, "other"))
                    waiting = None
                continue
            line = _line(kind, at, json.loads(data))
            if line is not None:
                lines.append(line)
                waiting = len(lines) - 1 if line.kind == "visitor" else waiting
    return lines


def _with_outcome(line: Line, outcome: str) -> Line:
    """The visitor line with the bot's first action's outcome."""
    return replace(line, outcome=outcome)


def _line(kind: str, at: float, event: Dict) -> Optional[Line]:
    """A transcript line for a stored event, or None for the widget's opening message."""
    if kind == "session_started":
        return Line("session", at)
    if kind == "bot":
        buttons = [str(button.get("title") or "") for button in (event.get("data") or {}).get("buttons") or []]
        answer_id = str(feedback_of(event).get("id") or "")
        return Line("bot", at, str(event.get("text") or ""), buttons=buttons, answer_id=answer_id)
    intent = (event.get("parse_data") or {}).get("intent") or {}
    if intent.get("name") in NOT_A_QUESTION:
        return None
    confidence = intent.get("confidence")
    return Line(
        "visitor",
        at,
        str(event.get("text") or ""),
        intent=str(intent.get("name") or ""),
        confidence=float(confidence) if confidence is not None else None,
    )


def oldest_message(db: Database) -> Optional[float]:
    """When the oldest stored message was sent."""
    query = sa.select(sa.func.min(db.events.c.timestamp)).where(db.events.c.type_name.in_(("user", "bot")))
    with db.engine.connect() as connection:
        return connection.execute(query).scalar()
