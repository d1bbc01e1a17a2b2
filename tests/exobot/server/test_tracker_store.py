"""exobot/server/tracker_store.py: a turn reads only the recent events and the slots; nothing stored is lost."""

import asyncio
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from exobot.paths import DOMAIN_FILE
from exobot.server.tracker_store import SQLiteTrackerStore

DOMAIN = Domain.load(str(DOMAIN_FILE))


@pytest.fixture
def store(tmp_path: Path) -> SQLiteTrackerStore:
    return SQLiteTrackerStore(domain=DOMAIN, db=str(tmp_path / "conversations.db"), max_event_history=20)


def turn(number: int):
    return [
        UserUttered(f"question {number}", {"name": "ask_safety_risks", "confidence": 0.9}),
        ActionExecuted("action_answer_faq"),
        BotUttered(f"answer {number}"),
        ActionExecuted("action_listen"),
    ]


def long_conversation(store: SQLiteTrackerStore, turns: int) -> DialogueStateTracker:
    tracker = DialogueStateTracker.from_events(
        "visitor",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        DOMAIN.slots,
    )
    tracker.update(SlotSet("current_topic", "ask_regulation"))  # set once, long before the recent events
    for number in range(turns):
        for event in turn(number):
            tracker.update(event)
    asyncio.run(store.save(tracker))
    return tracker


def test_a_turn_reads_the_recent_events_and_the_slots_set_before_them(store):
    long_conversation(store, turns=50)

    tracker = asyncio.run(store.retrieve("visitor"))

    assert len(tracker.events) == 21  # the 20 most recent events, after the slot set long before them
    assert tracker.get_slot("current_topic") == "ask_regulation"
    assert tracker.latest_message.text == "question 49"


def test_saving_writes_only_the_new_events_and_nothing_is_lost(store):
    original = long_conversation(store, turns=50)
    tracker = asyncio.run(store.retrieve("visitor"))
    for event in turn(50):
        tracker.update(event)

    asyncio.run(store.save(tracker))

    full = asyncio.run(store.retrieve_full_tracker("visitor"))
    expected = [*original.events, *turn(50)]
    assert [type(e).__name__ for e in full.events] == [type(e).__name__ for e in expected]
    assert [getattr(e, "text", None) for e in full.events] == [getattr(e, "text", None) for e in expected]


def test_a_short_conversation_is_read_whole(store):
    long_conversation(store, turns=2)

    tracker = asyncio.run(store.retrieve("visitor"))

    assert isinstance(tracker.events[0], SessionStarted)  # the current session, as Rasa's own store reads it
    assert len(tracker.events) == 3 + 8


def test_an_unknown_conversation_is_none(store):
    assert asyncio.run(store.retrieve("nobody")) is None
