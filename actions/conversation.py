"""Read what the visitor just said, and what the bot did before, from the tracker."""

from typing import Any, Dict, Iterator, Optional, Text

from rasa_sdk import Tracker

TOPIC_SLOT = "current_topic"


def latest_intent(tracker: Tracker) -> Optional[Text]:
    """The intent the NLU model gave the latest message (`nlu_fallback` included)."""
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name")


def latest_edge(tracker: Tracker) -> Dict[Text, Any]:
    """What the NLU's edge check found the latest message to be (exobot/nlu/edges.py), or {}."""
    return tracker.latest_message.get("edge") or {}


def possible_report(tracker: Tracker) -> bool:
    """The red-flag check found the latest message may also tell of a problem after a treatment."""
    return bool((tracker.latest_message.get("red_flag") or {}).get("possible"))


def latest_text(tracker: Tracker) -> Text:
    return tracker.latest_message.get("text") or ""


def events_since_previous_message(tracker: Tracker) -> Iterator[Dict[Text, Any]]:
    """The events between the visitor's previous message and the latest one, newest first."""
    seen_latest_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_message:
                return
            seen_latest_message = True
        elif seen_latest_message:
            yield event


def previous_bot_action(tracker: Tracker) -> Optional[Text]:
    """The last action the bot ran before the visitor's latest message."""
    for event in events_since_previous_message(tracker):
        if event.get("event") == "action" and event.get("name") != "action_listen":
            return event.get("name")
    return None


def session_already_started(tracker: Tracker) -> bool:
    """True when the visitor asked for a session start (`/session_start`) right after one began."""
    if latest_intent(tracker) != "session_start":
        return False
    return any(event.get("event") == "session_started" for event in events_since_previous_message(tracker))
