"""Fixtures for the console's in-process tests: a conversation store in a temporary SQLite file."""

import asyncio
import time
from pathlib import Path
from typing import Iterable, List, Optional

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from exobot.console.database import Database, database_of

DAY = 24 * 60 * 60


@pytest.fixture
def store(tmp_path: Path) -> SQLTrackerStore:
    """Rasa's SQL tracker store on a new SQLite file."""
    return SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))


@pytest.fixture
def database(store: SQLTrackerStore) -> Database:
    """The console's tables next to the store's events table."""
    return database_of(store)


def visitor(text: str, intent: Optional[str], at: float, confidence: float = 0.95, ranking: Optional[list] = None):
    """A visitor's message as the bot stored it, with what the NLU made of it."""
    parse = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
        "entities": [],
    }
    return UserUttered(text, intent=parse["intent"], parse_data=parse, timestamp=at)


def turn(text: str, intent: Optional[str], action: Optional[str], at: float, **parse) -> List[Event]:
    """A visitor's message, the bot's action and reply, then listening again."""
    events: List[Event] = [visitor(text, intent, at, **parse)]
    if action:
        events += [ActionExecuted(action, timestamp=at + 0.1), BotUttered(f"reply to {text}", timestamp=at + 0.2)]
    return events + [ActionExecuted("action_listen", timestamp=at + 0.3)]


def save(store: SQLTrackerStore, sender: str, events: Iterable[Event]) -> None:
    """Store a conversation."""
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, list(events))))


def opening(at: float) -> List[Event]:
    """The widget opening the chat: /session_start and the welcome."""
    return [
        ActionExecuted("action_session_start", timestamp=at),
        SessionStarted(timestamp=at),
        ActionExecuted("action_listen", timestamp=at),
        visitor("/session_start", "session_start", at + 0.05, confidence=1.0),
        ActionExecuted("action_session_start", timestamp=at + 0.06),
        BotUttered("Welcome!", timestamp=at + 0.07),
        ActionExecuted("action_listen", timestamp=at + 0.08),
    ]


@pytest.fixture
def now() -> float:
    """The time the tests take as now."""
    return time.time()
